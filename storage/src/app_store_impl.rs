//! `AppStore` for this backend: forwards to the inherent methods of the shared modules
//! (inherent methods win method resolution, so these calls do not recurse).

use super::store::SqlStore;
use crate::app_store::AppStore;
use crate::shapes::console::{GuestRow, SalonSummary};
use crate::shapes::export::{ExportRow, FeedbackExportRow, JobExportRow};
use crate::shapes::ops::{Backlog, Purged};
use crate::shapes::web::WebSession;
use chrono::{DateTime, Duration, Utc};
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::{OutboxId, UserRef};
use yunqi_bot::model::{Salon, SeatCounts};
use yunqi_bot::ports::{FailedDelivery, StoreResult};

impl AppStore for SqlStore {
    const BACKEND: crate::Backend = super::BACKEND;

    async fn open(url: &str) -> StoreResult<Self> {
        SqlStore::open(url).await
    }
    async fn close(&self) {
        SqlStore::close(self).await
    }
    async fn serving_alone(&self) -> StoreResult<()> {
        super::serving_alone(self).await
    }
    fn pin_writer(&self) -> Option<usize> {
        SqlStore::pin_writer(self)
    }

    async fn outbox_backlog(&self, now: DateTime<Utc>) -> StoreResult<Vec<Backlog>> {
        SqlStore::outbox_backlog(self, now).await
    }
    async fn outbox_failed(&self, limit: u32) -> StoreResult<Vec<FailedDelivery>> {
        SqlStore::outbox_failed(self, limit).await
    }
    async fn outbox_failed_count(&self) -> StoreResult<i64> {
        SqlStore::outbox_failed_count(self).await
    }
    async fn outbox_retry(&self, id: Option<OutboxId>, now: DateTime<Utc>) -> StoreResult<u64> {
        SqlStore::outbox_retry(self, id, now).await
    }
    async fn retention_step(&self, before: DateTime<Utc>, batch: u32) -> StoreResult<Purged> {
        SqlStore::retention_step(self, before, batch).await
    }
    async fn redact_step(&self, batch: u32) -> StoreResult<(u64, u64)> {
        SqlStore::redact_step(self, batch).await
    }

    async fn export_salon(&self, salon: i64) -> StoreResult<Vec<ExportRow>> {
        SqlStore::export_salon(self, salon).await
    }
    async fn export_jobs(&self) -> StoreResult<Vec<JobExportRow>> {
        SqlStore::export_jobs(self).await
    }
    async fn export_feedback(&self, salon: i64) -> StoreResult<Vec<FeedbackExportRow>> {
        SqlStore::export_feedback(self, salon).await
    }
    async fn export_spec(&self, job: i64, l: Locale) -> StoreResult<Option<String>> {
        SqlStore::export_spec(self, job, l).await
    }
    async fn salon_list(&self) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        SqlStore::salon_list(self).await
    }

    async fn console_salons(&self) -> StoreResult<Vec<SalonSummary>> {
        SqlStore::console_salons(self).await
    }
    async fn console_salon(&self, id: i64) -> StoreResult<Option<SalonSummary>> {
        SqlStore::console_salon(self, id).await
    }
    async fn console_guests(&self, salon: i64) -> StoreResult<Vec<GuestRow>> {
        SqlStore::console_guests(self, salon).await
    }
    async fn console_failed_deliveries(&self) -> StoreResult<i64> {
        SqlStore::console_failed_deliveries(self).await
    }
    async fn web_sign_in(
        &self,
        token: &str,
        session_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<Option<UserRef>> {
        SqlStore::web_sign_in(self, token, session_id, csrf, now, ttl).await
    }
    async fn web_session(
        &self,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<WebSession>> {
        SqlStore::web_session(self, session_id, now).await
    }
    async fn web_sign_out(&self, session_id: &str) -> StoreResult<()> {
        SqlStore::web_sign_out(self, session_id).await
    }
}
