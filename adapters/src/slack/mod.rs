//! Slack: Events API, slash commands, interactivity, Socket Mode, Web API.
//!
//! Wiring (the composition root):
//! 1. `SlackConfig` from the `[slack]` section; the adapter is on when `is_complete()`.
//! 2. `let api = Arc::new(SlackApi::new(&cfg)?)`; `SlackOutbound::new(api.clone())` goes
//!    to the outbox dispatcher.
//! 3. `let state = SlackState::new(&cfg, core_as_event_sink, api, clock)`, then
//!    `state.identify().await` (auth.test, so the bot ignores its own posts).
//! 4. HTTP: merge `routes(state.clone())`; Socket Mode (`cfg.socket_mode()`): spawn
//!    `run_socket_mode(state, SocketOptions::default(), shutdown)`.

pub mod api;
mod api_error;
pub mod config;
pub mod decision;
pub mod dto;
pub mod handle;
pub mod inbound;
pub mod modal;
pub mod outbound;
mod pacer;
pub mod render;
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
pub use socket::{run_socket_mode, SocketError, SocketOptions};
pub use state::SlackState;
pub use webhook::routes;

/// The WebSocket crate Socket Mode runs on, for fake Slack servers in tests and tools.
#[doc(hidden)]
pub use tokio_tungstenite;
