//! The outbox: messages queued inside the domain transaction, and what the dispatcher
//! reads and records about them.

use super::StoreResult;
use crate::ids::OutboxId;
use crate::message::{Outgoing, Recipient, Reply};
use chrono::{DateTime, Utc};
use std::time::Duration;

#[trait_variant::make(Send)]
pub trait OutboxTx {
    /// Queues messages in this transaction.
    async fn outbox_push(&mut self, msgs: &[Outgoing], at: DateTime<Utc>) -> StoreResult<()>;
}

/// A queued message as the dispatcher reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub to: Recipient,
    pub reply: Reply,
    pub attempts: u32,
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        message_id: Option<String>,
    },
    /// Transient: try again, after `after` when the platform said so (Retry-After).
    Retry {
        after: Option<Duration>,
        error: String,
    },
    /// Permanent: recorded with the reason, never retried.
    Failed {
        error: String,
    },
}

/// One delivery attempt's outcome, for `Store::outbox_settle`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: OutboxId,
    pub attempts: u32,
    pub outcome: Delivery,
    pub at: DateTime<Utc>,
    /// When to try again after a `Delivery::Retry`.
    pub retry_at: DateTime<Utc>,
}
