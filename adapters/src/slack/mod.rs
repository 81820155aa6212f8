//! Slack: Events API, slash commands, interactivity, Socket Mode, Web API.
//!
//! Wiring: `build(&cfg, deps).await` (see `setup`) gives the outbox lane, the HTTP routes
//! (with a signing secret) and the Socket Mode task (with an app token).

pub mod api;
mod api_error;
pub mod config;
pub mod decision;
pub mod dto;
mod files;
mod form;
pub mod handle;
pub mod inbound;
pub mod modal;
pub mod outbound;
pub mod render;
pub mod setup;
pub mod signature;
pub mod socket;
pub mod state;
#[doc(hidden)]
pub mod vectors;
pub mod webhook;

pub use api::{ApiError, SlackApi};
pub use config::SlackConfig;
pub use inbound::BotIdentity;
pub use outbound::SlackOutbound;
pub use render::capabilities;
pub use setup::build;
pub use socket::{run_socket_mode, SocketError, SocketOptions};
pub use state::SlackState;
pub use webhook::routes;

/// The WebSocket crate Socket Mode runs on, for fake Slack servers in tests and tools.
#[doc(hidden)]
pub use tokio_tungstenite;

#[cfg(test)]
mod proptests;
