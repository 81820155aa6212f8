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
    /// Messages that failed for good with an id above `after`, oldest first.
    async fn outbox_failed_after(
        &mut self,
        after: OutboxId,
        limit: u32,
    ) -> StoreResult<Vec<FailedDelivery>>;
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

/// What a message that could not be delivered was, for operators and organizers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// An approval: time, place and the way into the event group.
    Approval,
    /// Carries a file (a calendar invite).
    File,
    /// Has buttons (an organizer's decision card, an offer).
    Buttons,
    Text,
}

impl DeliveryKind {
    pub fn of(reply: &Reply) -> DeliveryKind {
        if reply.invite.is_some() {
            DeliveryKind::Approval
        } else if reply.attachment.is_some() {
            DeliveryKind::File
        } else if !reply.buttons.is_empty() {
            DeliveryKind::Buttons
        } else {
            DeliveryKind::Text
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Approval => "approval",
            DeliveryKind::File => "file",
            DeliveryKind::Buttons => "buttons",
            DeliveryKind::Text => "text",
        }
    }
}

/// A message that failed for good (`status = 'failed'`).
#[derive(Debug, Clone, PartialEq)]
pub struct FailedDelivery {
    pub id: OutboxId,
    pub to: Recipient,
    pub kind: DeliveryKind,
    pub reason: String,
    pub failed_at: Option<DateTime<Utc>>,
}
