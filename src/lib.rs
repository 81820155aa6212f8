//! The composition root of yunqi-bot: configuration, storage, the core, adapters, HTTP.
//! Only wiring lives here; behaviour lives in the `yunqi-bot` crate.

pub mod app;
pub mod chart;
pub mod cli;
pub mod conn_registry;
pub mod console;
pub mod db;
pub mod export;
pub mod http;
pub mod http_serve;
pub mod metrics;
pub mod ops;
pub mod platforms;
pub mod ready;
pub mod replicas;
pub mod salon_cli;
pub mod serve_lock;
pub mod server;
pub mod settings;
pub mod settings_check;
pub mod telemetry;
pub mod web;
pub mod wecom_cli;
