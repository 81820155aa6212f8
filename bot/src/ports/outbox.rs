//! The outbox: messages queued inside the domain transaction, and what the dispatcher
//! reads and records about them.

use super::StoreResult;
use crate::ids::OutboxId;
use crate::message::{Outgoing, Recipient, Reply};
use chrono::{DateTime, Utc};
use std::time::Duration;

#[trait_variant::make(Send)]
pub trait OutboxTx {
    /// Queues messages in this transaction (taken, not copied: a fan-out is 100,000).
    async fn outbox_push(&mut self, msgs: Vec<Outgoing>, at: DateTime<Utc>) -> StoreResult<()>;
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
    /// Not sent after this; recorded as expired instead (`Outgoing::expires_at`).
    pub expires_at: Option<DateTime<Utc>>,
    /// Parts delivered by earlier attempts, and their platform ids: a retry goes on from
    /// the first part not delivered.
    pub progress: Progress,
}

/// How far a message split into parts got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Parts delivered, from the first.
    pub parts_done: u32,
    /// The platform ids of the delivered parts (those the platform gave one).
    pub part_ids: Vec<String>,
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
        /// What `after` is about: the platform (the whole lane pauses) or one chat.
        scope: RetryScope,
    },
    /// Permanent: recorded with the reason, never retried.
    Failed {
        error: String,
    },
}

/// What a platform's wait applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RetryScope {
    /// The platform as a whole (a 429 on the API): every message of the lane waits.
    #[default]
    Platform,
    /// One chat (a per-recipient limit): only this message waits.
    Chat,
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
    /// Parts delivered so far (all of them when `Sent`); every id is mapped to the
    /// message's `ref_key`.
    pub progress: Progress,
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
