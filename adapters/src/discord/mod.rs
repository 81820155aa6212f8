//! Discord: serenity's gateway and models; the EventHandler only translates to core
//! events. Slash commands from the core's command list, buttons with `custom_id` = the
//! command, interaction responses within 3 s, threads for thread replies, roles for
//! approved registrants.
//!
//! Wiring: `build(&cfg, deps).await` (see `setup`) gives the outbox lane and the gateway
//! task.

pub mod api;
pub mod commands;
pub mod config;
pub mod handler;
pub mod inbound;
pub mod interact;
pub mod outbound;
pub mod queue;
pub mod render;
pub mod setup;
pub mod state;

pub use api::ApiError;
pub use config::DiscordConfig;
pub use outbound::DiscordOutbound;
pub use render::capabilities;
pub use setup::{build, intents, run};
pub use state::DiscordState;

/// The crate the adapter is built on, for fixtures and fakes in tests.
#[doc(hidden)]
pub use serenity;
/// A WebSocket crate for fake gateways in tests.
#[doc(hidden)]
pub use tokio_tungstenite;
