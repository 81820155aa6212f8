//! Chat platform adapters: each turns platform updates into `yunqi_bot::Inbound` events and
//! delivers fitted outbox messages in the platform's own wire format. Nothing more.

pub mod common;
pub mod console;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "slack")]
pub mod slack;
#[cfg(feature = "telegram")]
pub mod telegram;
#[cfg(feature = "wecom")]
pub mod wecom;
