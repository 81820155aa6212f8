//! Leases and outbox row claims on SQLite (the statements are in `lease_sql`). With one
//! serve per SQLite file a lease is always free: the point is that the same protocol runs
//! here, tested, as on PostgreSQL.

use crate::error::{backend, db_err};
use crate::lease_sql as q;
use crate::rows::{ms, time};
use crate::SqliteStore;
use chrono::{DateTime, Utc};
use yunqi_bot::ids::{OutboxId, Platform};
use yunqi_bot::ports::{LeaseHolder, Leases, OutboxClaims, StoreResult};

impl SqliteStore {
    /// Drops every lease and row claim: for a process that knows it is the only one on
    /// this file (the serve lock), so a crashed predecessor's leases do not make it wait.
    pub async fn leases_void(&self) -> StoreResult<()> {
        sqlx::query("DELETE FROM leases")
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "UPDATE outbox SET claimed_by = NULL, lease_until = NULL WHERE claimed_by IS NOT NULL",
        )
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

impl Leases for SqliteStore {
    async fn lease_acquire(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let got: Option<String> = sqlx::query_scalar(q::ACQUIRE)
            .bind(name)
            .bind(holder)
            .bind(ms(until))
            .bind(ms(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(got.as_deref() == Some(holder))
    }

    async fn lease_release(&self, name: &str, holder: &str) -> StoreResult<()> {
        sqlx::query(q::RELEASE)
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
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

fn id_list(ids: &[OutboxId]) -> StoreResult<String> {
    serde_json::to_string(&ids.iter().map(|i| i.0).collect::<Vec<_>>()).map_err(backend)
}

impl OutboxClaims for SqliteStore {
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
        let mut got: Vec<i64> = sqlx::query_scalar(q::CLAIM_SQLITE)
            .bind(platform.as_str())
            .bind(holder)
            .bind(id_list(ids)?)
            .bind(ms(now))
            .bind(ms(until))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        got.sort_unstable();
        Ok(got.into_iter().map(OutboxId).collect())
    }

    async fn outbox_unclaim(&self, holder: &str, ids: &[OutboxId]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        sqlx::query(q::UNCLAIM_SQLITE)
            .bind(holder)
            .bind(id_list(ids)?)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn outbox_claims_renew(
        &self,
        platform: Platform,
        holder: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let r = sqlx::query(q::RENEW_CLAIMS)
            .bind(platform.as_str())
            .bind(holder)
            .bind(ms(until))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}
