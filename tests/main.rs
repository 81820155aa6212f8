//! The root package's integration tests as one binary (one link): the CLI, HTTP, and each
//! platform end to end against the test kit's fakes.

mod cli;
mod cli_pg;
mod common;
mod copy_cli;
mod discord_e2e;
mod discord_support;
mod fault_kill;
mod healthz;
mod http;
mod http_limits;
mod metrics_e2e;
mod ops_cli;
mod proc_support;
mod readyz;
mod replicas_pg;
mod salon_announce_e2e;
mod salon_cli;
mod slack_e2e;
mod slack_pacing_e2e;
mod slack_socket_e2e;
mod slack_support;
mod stats_cli;
mod telegram_e2e;
mod telegram_support;
mod tickets_cli;
mod tickets_e2e;
mod web;
mod web_browser;
mod web_support;
mod wecom_e2e;
mod wecom_support;
