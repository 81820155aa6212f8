//! The store outside domain transactions: where transactions begin, and the outbox
//! dispatcher's side.

use super::{OutboxRow, Settlement, StoreResult, Tx};
use crate::ids::Platform;
use chrono::{DateTime, Utc};

#[trait_variant::make(Store: Send)]
pub trait LocalStore: Sync + 'static {
    type Tx: Tx;
    async fn begin(&self) -> StoreResult<Self::Tx>;
    /// Called once on the writer's own thread, before its first transaction: a store may
    /// keep that thread near its database work (SQLite: on one CPU with its connection's
    /// thread). Nothing by default.
    fn writer_thread_started(&self) {}
    /// Pending messages due now on a platform, oldest first; only for `recipient` if given,
    /// none for the recipients in `waiting` (the lane is pacing them).
    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>>;
    /// Records what became of delivery attempts, in one transaction.
    async fn outbox_settle(&self, settled: &[Settlement]) -> StoreResult<()>;
    /// Moves a staged fan-out's messages (a large one waits staged, in push order) into
    /// the outbox until `window` are pending on the platform; returns how many moved.
    /// Cheap when nothing is staged: the lanes call it before every read.
    async fn outbox_expand(&self, platform: Platform, window: u32) -> StoreResult<u64>;
    /// Messages not yet delivered on a platform (for one recipient if given), staged
    /// ones included.
    async fn outbox_pending(&self, platform: Platform, recipient: Option<&str>)
        -> StoreResult<i64>;
    /// The earliest time a pending message becomes due, if any: each recipient's first
    /// pending message, the recipients in `waiting` left out.
    async fn outbox_next_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
    ) -> StoreResult<Option<DateTime<Utc>>>;
}
