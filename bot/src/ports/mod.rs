//! Ports: what the core needs from storage, time and platforms. Implementations live in
//! the `storage` and `adapters` crates; the core never sees SQL or HTTP.
//!
//! The domain transaction is split by aggregate (`members`, `salons`, `jobs`, `threads`,
//! `outbox`, `meta`); `Tx` joins them, so engine code takes one `T: Tx`. Code that holds a
//! concrete or associated transaction type imports `prelude::*` to call the aggregate
//! methods.

mod attempts;
mod chart;
mod clock;
mod feedback;
mod jobs;
mod kv;
mod lease;
mod members;
mod meta;
mod outbound;
mod outbox;
mod salon_admin;
mod salons;
mod spec;
mod store;
mod threads;
mod tickets;
mod web;

pub use attempts::AttemptTx;
pub use chart::{ChartRenderer, Charts, RegistrationChart};
pub use clock::{Clock, ManualClock, SystemClock};
pub use feedback::FeedbackTx;
pub use jobs::{JobTx, SubscriberTx};
pub use kv::Kv;
pub use lease::{LeaseHolder, Leases, LocalLeases, LocalOutboxClaims, OutboxClaims};
pub use members::MemberTx;
pub use meta::MetaTx;
pub use outbound::Outbound;
pub use outbox::{
    Delivery, DeliveryKind, FailedDelivery, OutboxRow, OutboxTx, Progress, RetryScope, Settlement,
};
pub use salon_admin::{GrantedRole, SalonAdminTx, SalonAudit};
pub use salons::{RegistrationTx, SalonTx};
pub use spec::SpecTx;
pub use store::{LocalStore, Store};
pub use threads::ThreadTx;
pub use tickets::{CheckinMethod, CheckinRecord, TicketTx};
pub use web::WebTx;

use crate::ids::{Platform, UserRef};
use chrono::{DateTime, Utc};
use thiserror::Error;

mod inbound;
pub use inbound::*;

/// Any error a store reports as the cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Errors keep their cause as `source()`; the message repeats it because logs print
/// only the top error.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A rule the database enforces was broken (e.g. more seats held than the capacity).
    #[error("constraint: {0}")]
    Constraint(#[source] BoxError),
    #[error("storage: {0}")]
    Backend(#[source] BoxError),
    #[error("corrupt record: {0}")]
    Corrupt(#[source] BoxError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Resolves once a commit survives power loss, not only a crash (`Tx::commit_unsynced`).
pub type Durable = futures::future::BoxFuture<'static, StoreResult<()>>;

/// One transaction. Everything an event changes, including the messages it causes, is
/// written through one `Tx` and committed together, or not at all.
#[trait_variant::make(Send)]
pub trait Tx:
    MemberTx
    + SalonTx
    + RegistrationTx
    + JobTx
    + SubscriberTx
    + ThreadTx
    + OutboxTx
    + MetaTx
    + AttemptTx
    + SpecTx
    + WebTx
    + SalonAdminTx
    + TicketTx
    + FeedbackTx
{
    /// Commits; returns once the commit survives power loss.
    async fn commit(self) -> StoreResult<()>;
    /// Commits; the commit is visible when this returns, and durable once the returned
    /// future resolves. The writer answers a group only then, while it already handles
    /// the next one. A store may return an already resolved future.
    async fn commit_unsynced(self) -> StoreResult<Durable>;
    async fn rollback(self) -> StoreResult<()>;

    /// A hint before a group of events is handled: the store may load these accounts and
    /// event ids at once instead of one query per event.
    async fn prefetch(
        &mut self,
        users: &[UserRef],
        events: &[(Platform, String)],
    ) -> StoreResult<()>;

    /// Records an inbound event id; `false` when it was seen before.
    async fn first_sighting(
        &mut self,
        platform: Platform,
        event_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// Every transaction trait, for code that calls them on a concrete or associated type
/// (`S::Tx`), where a `T: Tx` bound does not bring the aggregate traits into scope.
pub mod prelude {
    pub use super::FeedbackTx;
    pub use super::SalonAdminTx;
    pub use super::TicketTx;
    pub use super::{
        AttemptTx, JobTx, MemberTx, MetaTx, OutboxTx, RegistrationTx, SalonTx, SpecTx,
        SubscriberTx, ThreadTx, Tx, WebTx,
    };
}
