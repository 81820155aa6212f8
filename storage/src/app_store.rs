//! What the composition root needs from a store beyond the domain ports: opening and
//! closing it, and the operator's reads and chores (health, `/readyz`, metrics, the web
//! console, exports, retention). Both backends implement it (`app_store_impl.rs`), so
//! `serve` and `console` are written once, generic over the backend.

use crate::shapes::console::{GuestRow, SalonSummary};
use crate::shapes::export::{ExportRow, FeedbackExportRow, JobExportRow};
use crate::shapes::ops::{Backlog, Purged};
use crate::shapes::web::WebSession;
use chrono::{DateTime, Duration, Utc};
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::OutboxId;
use yunqi_bot::ids::UserRef;
use yunqi_bot::model::{Salon, SeatCounts};
use yunqi_bot::ports::{FailedDelivery, Kv, Leases, OutboxClaims, Store, StoreResult};

// Only the Send variant: the composition root spawns these futures on tokio.
#[trait_variant::make(Send)]
pub trait AppStore: Store + Leases + OutboxClaims + Kv + Clone + Send + Sync + 'static {
    /// The backend this store is, matched against a URL's (`Backend::of`).
    const BACKEND: crate::Backend;
    /// Opens the database at `url` and applies this backend's migrations.
    async fn open(url: &str) -> StoreResult<Self>;
    async fn close(&self);
    /// Called once by a server before it takes any lease. SQLite: the serve lock makes this
    /// the only server on the file, so leases and claims a killed predecessor left are void.
    /// PostgreSQL: other replicas share the database and hold their own; nothing to do.
    async fn serving_alone(&self) -> StoreResult<()>;
    /// Keeps the write chain on one CPU (`affinity.rs`), before `Core::start`: the CPU, or
    /// `None` (one CPU, a smaller quota, PostgreSQL, in memory).
    fn pin_writer(&self) -> Option<usize>;

    async fn outbox_backlog(&self, now: DateTime<Utc>) -> StoreResult<Vec<Backlog>>;
    async fn outbox_failed(&self, limit: u32) -> StoreResult<Vec<FailedDelivery>>;
    async fn outbox_failed_count(&self) -> StoreResult<i64>;
    async fn outbox_retry(&self, id: Option<OutboxId>, now: DateTime<Utc>) -> StoreResult<u64>;
    async fn retention_step(&self, before: DateTime<Utc>, batch: u32) -> StoreResult<Purged>;
    async fn redact_step(&self, batch: u32) -> StoreResult<(u64, u64)>;

    async fn export_salon(&self, salon: i64) -> StoreResult<Vec<ExportRow>>;
    async fn export_jobs(&self) -> StoreResult<Vec<JobExportRow>>;
    async fn export_feedback(&self, salon: i64) -> StoreResult<Vec<FeedbackExportRow>>;
    async fn export_spec(&self, job: i64, l: Locale) -> StoreResult<Option<String>>;
    async fn salon_list(&self) -> StoreResult<Vec<(Salon, SeatCounts)>>;

    async fn console_salons(&self) -> StoreResult<Vec<SalonSummary>>;
    async fn console_salon(&self, id: i64) -> StoreResult<Option<SalonSummary>>;
    async fn console_guests(&self, salon: i64) -> StoreResult<Vec<GuestRow>>;
    async fn console_failed_deliveries(&self) -> StoreResult<i64>;
    async fn web_sign_in(
        &self,
        token: &str,
        session_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<Option<UserRef>>;
    async fn web_session(
        &self,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<WebSession>>;
    async fn web_sign_out(&self, session_id: &str) -> StoreResult<()>;
}
