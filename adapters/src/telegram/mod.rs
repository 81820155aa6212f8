//! Telegram: teloxide as the Bot API client and types only (the core's dialogues, not
//! teloxide's). Long polling with a durable offset, or a webhook with a secret token.
//!
//! Wiring: `build(&cfg, deps).await` (see `setup`) gives the outbox lane and the webhook
//! route (a secret is set) or the long-polling task; getMe and setMyCommands run in the
//! background.

pub mod api;
pub mod commands;
pub mod config;
pub mod inbound;
pub mod outbound;
pub mod poll;
pub mod render;
pub mod setup;
pub mod state;
pub mod webhook;

pub use api::ApiError;
pub use config::TelegramConfig;
pub use inbound::BotIdentity;
pub use outbound::TelegramOutbound;
pub use poll::{run_polling, PollOptions};
pub use render::capabilities;
pub use setup::{build, start};
pub use state::TelegramState;
pub use webhook::routes;

/// The crate the adapter is built on, for fake Bot API servers in tests.
#[doc(hidden)]
pub use teloxide;
