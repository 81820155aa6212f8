//! Leases and outbox row claims, compiled for both backends (the statements are in
//! `lease_sql`; the row claim differs per backend: `claim_rows` / `unclaim_rows` beside
//! each `Db`). With one serve per SQLite file a lease is always free there: the point is
//! that the same protocol runs, tested, on both.

use super::store::SqlStore;
use crate::error::db_err;
use crate::lease_sql as q;
use crate::rows::{ms, time};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::{OutboxId, Platform};
use yunqi_bot::ports::{LeaseHolder, Leases, OutboxClaims, StoreResult};

impl Leases for SqlStore {
    async fn lease_acquire(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.lane_begin().await?;
        let got: Option<String> = sqlx::query_scalar(q::ACQUIRE)
            .bind(name)
            .bind(holder)
            .bind(ms(until))
            .bind(ms(now))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await?;
        Ok(got.as_deref() == Some(holder))
    }

    async fn lease_release(&self, name: &str, holder: &str) -> StoreResult<()> {
        let mut tx = self.lane_begin().await?;
        sqlx::query(q::RELEASE)
            .bind(name)
            .bind(holder)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await
    }

    async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<LeaseHolder>> {
        let row: Option<(String, i64)> = sqlx::query_as(q::HOLDER)
            .bind(name)
            .bind(ms(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.map(|(holder, until)| LeaseHolder {
            holder,
            until: time(until),
        }))
    }
}

impl OutboxClaims for SqlStore {
    async fn outbox_claim(
        &self,
        platform: Platform,
        holder: &str,
        ids: &[OutboxId],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<OutboxId>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let mut tx = self.lane_begin().await?;
        let mut got =
            super::claim_rows(&mut tx, platform.as_str(), holder, &ids, ms(now), ms(until))
                .await
                .map_err(db_err)?;
        // Sent only once the claim is on disk, and with it the commit that queued them.
        tx.commit().await?;
        got.sort_unstable();
        Ok(got.into_iter().map(OutboxId).collect())
    }

    async fn outbox_unclaim(&self, holder: &str, ids: &[OutboxId]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        let mut tx = self.lane_begin().await?;
        super::unclaim_rows(&mut tx, holder, &ids)
            .await
            .map_err(db_err)?;
        tx.commit().await
    }

    async fn outbox_claims_renew(
        &self,
        platform: Platform,
        holder: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.lane_begin().await?;
        let r = sqlx::query(q::RENEW_CLAIMS)
            .bind(platform.as_str())
            .bind(holder)
            .bind(ms(until))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await?;
        Ok(r.rows_affected())
    }
}
