//! The adapters' integration tests as one binary (one link); each platform's module is
//! built with its feature.

mod config;
mod discord_adapter;
mod slack_api;
mod slack_commands;
mod slack_files;
mod slack_http;
mod slack_socket;
mod slack_webhook;
mod startup_retry;
mod telegram_adapter;
mod wecom_api;
mod wecom_kf;
mod wecom_kf_allowance;
mod wecom_webhook;
