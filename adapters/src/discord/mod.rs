//! Discord: serenity's gateway and models; the EventHandler only translates to core
//! events. Slash commands from the core's command list, buttons with `custom_id` = the
//! command, interaction responses within 3 s, threads for thread replies, roles for
//! approved registrants.
//!
//! Wiring (the composition root):
//! 1. `DiscordConfig` from `[discord]`; the adapter is on when `is_complete()`.
//! 2. `let d = build(&cfg, core_as_event_sink, kv).await?`; `d.outbound` goes to the outbox
//!    dispatcher.
//! 3. Spawn `run(d.client, shutdown)`.

pub mod api;
pub mod commands;
pub mod config;
pub mod handler;
pub mod inbound;
pub mod interact;
pub mod outbound;
pub mod render;
pub mod setup;
pub mod state;

pub use api::SetupError;
pub use config::DiscordConfig;
pub use outbound::DiscordOutbound;
pub use render::capabilities;
pub use setup::{build, intents, run, Discord};
pub use state::Shared;

/// The crate the adapter is built on, for fixtures and fakes in tests.
#[doc(hidden)]
pub use serenity;
/// A WebSocket crate for fake gateways in tests.
#[doc(hidden)]
pub use tokio_tungstenite;
