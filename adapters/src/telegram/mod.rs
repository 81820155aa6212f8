//! Telegram: teloxide as the Bot API client and types only (the core's dialogues, not
//! teloxide's). Long polling with a durable offset, or a webhook with a secret token.
//!
//! Wiring (the composition root):
//! 1. `TelegramConfig` from `[telegram]`; the adapter is on when `is_complete()`.
//! 2. `let t = build(&cfg, core_as_event_sink, kv)?`; `t.outbound` goes to the outbox
//!    dispatcher.
//! 3. Spawn `start(&t.state, &cfg)` (getMe, setMyCommands, setWebhook if configured).
//! 4. Webhook mode (`t.webhook`): merge `routes(t.state)`; else spawn
//!    `run_polling(t.state, t.poll, shutdown)`.

pub mod api;
pub mod commands;
pub mod config;
pub mod inbound;
pub mod outbound;
mod pacer;
pub mod poll;
pub mod render;
pub mod setup;
pub mod state;
pub mod webhook;

pub use api::SetupError;
pub use config::TelegramConfig;
pub use inbound::BotIdentity;
pub use outbound::TelegramOutbound;
pub use poll::{run_polling, PollOptions};
pub use render::capabilities;
pub use setup::{build, start, Telegram};
pub use state::TelegramState;
pub use webhook::routes;

/// The crate the adapter is built on, for fake Bot API servers in tests.
#[doc(hidden)]
pub use teloxide;
