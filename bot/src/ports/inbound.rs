//! The inbound port: where adapters push events. `runtime::Core` implements it; adapters
//! see only this trait, never the store behind it.

use crate::event::Inbound;
use crate::message::Outgoing;
use futures::future::BoxFuture;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CoreError {
    #[error("the core has stopped")]
    Stopped,
    #[error("handling failed: {0}")]
    Failed(String),
}

/// What became of a submitted event once it is durable.
#[derive(Debug, Default)]
pub struct Handled {
    /// Replies to answer in the request's own response (`Inbound::reply_inline`).
    pub inline: Vec<Outgoing>,
    /// Messages written to the outbox.
    pub queued: usize,
    /// The event id was seen before (a platform retry): nothing happened this time.
    pub duplicate: bool,
}

/// Where adapters push events. Object-safe so adapters need not know the store.
pub trait EventSink: Send + Sync + 'static {
    fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>>;
}
