//! The composition root of yunqi-bot: configuration, storage, the core, adapters, HTTP.
//! Only wiring lives here; behaviour lives in the `yunqi-bot` crate.

pub mod app;
pub mod cli;
pub mod console;
pub mod export;
pub mod http;
pub mod platforms;
pub mod salon_cli;
pub mod serve_lock;
pub mod server;
pub mod settings;
pub mod telemetry;
