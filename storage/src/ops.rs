//! What operators need beside the domain: the outbox backlog (`/readyz`), failed
//! deliveries (`yunqi outbox failed|retry`, the organizers' daily note) and retention.

use super::store::SqlStore;
use super::Db;
use crate::error::{backend, db_err};
use crate::rows::{corrupt, ms, time, user};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::OutboxId;
use yunqi_bot::message::{Recipient, Reply};
use yunqi_bot::ports::{DeliveryKind, FailedDelivery, StoreResult};

pub use crate::shapes::ops::*;

type Conn = <Db as sqlx::Database>::Connection;

/// Delivered rows below this id have had contact details masked (in `meta`).
const REDACTED_BELOW: &str = "retention:redacted_below";

#[derive(sqlx::FromRow)]
struct FailedRow {
    id: i64,
    platform: String,
    recipient: String,
    conversation: Option<String>,
    payload: String,
    last_error: Option<String>,
    failed_at: Option<i64>,
}

impl FailedRow {
    fn into_failed(self) -> StoreResult<FailedDelivery> {
        let reply: Reply = serde_json::from_str(&self.payload)
            .map_err(|e| corrupt(format!("outbox {}: {e}", self.id)))?;
        Ok(FailedDelivery {
            id: OutboxId(self.id),
            to: Recipient {
                user: user(&self.platform, self.recipient)?,
                conversation: self.conversation,
            },
            kind: DeliveryKind::of(&reply),
            reason: self.last_error.unwrap_or_default(),
            failed_at: self.failed_at.map(time),
        })
    }
}

/// Failed messages with an id above `after`, oldest first (the `outbox_failed` index).
pub(crate) async fn failed_after(
    conn: &mut Conn,
    after: i64,
    limit: u32,
) -> StoreResult<Vec<FailedDelivery>> {
    let rows: Vec<FailedRow> = sqlx::query_as(concat!(
        "SELECT id, platform, recipient, conversation, payload, last_error, failed_at FROM outbox",
        indexed_by!("outbox_failed"),
        " WHERE status = 'failed' AND id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after)
    .bind(limit as i64)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    rows.into_iter().map(FailedRow::into_failed).collect()
}

impl SqlStore {
    /// Pending messages per platform, with how many are due and the oldest due time. A
    /// staged fan-out's messages count as pending, not as due: they join the outbox as
    /// the lane gets through it.
    pub async fn outbox_backlog(&self, now: DateTime<Utc>) -> StoreResult<Vec<Backlog>> {
        let rows: Vec<(String, i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT platform, CAST(SUM(n) AS BIGINT), CAST(SUM(due) AS BIGINT), MIN(oldest) FROM (
               SELECT platform, COUNT(*) AS n, COALESCE(SUM(CASE WHEN next_attempt_at <= $1 THEN 1 ELSE 0 END), 0) AS due,
                      MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END) AS oldest
               FROM outbox WHERE status = 'pending' GROUP BY platform
               UNION ALL
               SELECT platform, COUNT(*), 0, NULL FROM outbox_staged GROUP BY platform) b
             GROUP BY platform ORDER BY platform",
        )
        .bind(ms(now))
        .fetch_all(self.pool())
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(platform, pending, due, oldest)| Backlog {
                platform,
                pending,
                due,
                oldest_due: oldest.map(time),
            })
            .collect())
    }

    /// Every message that failed for good, oldest first (at most `limit`).
    pub async fn outbox_failed(&self, limit: u32) -> StoreResult<Vec<FailedDelivery>> {
        let mut conn = self.pool().acquire().await.map_err(db_err)?;
        failed_after(&mut conn, 0, limit).await
    }

    /// How many messages failed for good.
    pub async fn outbox_failed_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM outbox",
            indexed_by!("outbox_failed"),
            " WHERE status = 'failed'"
        ))
        .fetch_one(self.pool())
        .await
        .map_err(db_err)
    }

    /// Queues failed messages again (`id`, or all when `None`), due `now`, with a fresh
    /// attempt count. Returns how many.
    pub async fn outbox_retry(&self, id: Option<OutboxId>, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, failed_at = NULL
             WHERE status = 'failed' AND ($1 IS NULL OR id = $1)",
        )
        .bind(id.map(|i| i.0))
        .bind(ms(now))
        .execute(self.pool())
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected())
    }

    /// One retention step, each part at most `batch` rows in its own short transaction:
    /// delivered messages and inbound dedup ids older than `before` are deleted, and
    /// delivered messages get phone numbers and other contact details masked (organizer
    /// notices carry them unmasked). Failed and pending messages are kept. Call again
    /// while it returns a full batch.
    pub async fn retention_step(&self, before: DateTime<Utc>, batch: u32) -> StoreResult<Purged> {
        let cutoff = ms(before);
        let outbox = sqlx::query(
            "DELETE FROM outbox WHERE id IN
               (SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 ORDER BY id LIMIT $2)",
        )
        .bind(cutoff)
        .bind(batch as i64)
        .execute(self.pool())
        .await
        .map_err(db_err)?
        .rows_affected();
        let inbound = sqlx::query(
            "DELETE FROM inbound_events WHERE (platform, event_id) IN
               (SELECT platform, event_id FROM inbound_events WHERE at < $1 LIMIT $2)",
        )
        .bind(cutoff)
        .bind(batch as i64)
        .execute(self.pool())
        .await
        .map_err(db_err)?
        .rows_affected();
        let (scanned, redacted) = self.redact_step(batch).await?;
        Ok(Purged {
            outbox,
            inbound,
            redacted,
            scanned,
        })
    }

    /// Masks contact details in delivered messages, in id order, never past the oldest
    /// pending one (it may still be sent). Returns how many rows it looked at and how
    /// many it changed; cheap when there is nothing new (the scheduler calls it each tick).
    pub async fn redact_step(&self, batch: u32) -> StoreResult<(u64, u64)> {
        let mut tx = self.pool().begin().await.map_err(db_err)?;
        let from: i64 = sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(REDACTED_BELOW)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?
            .and_then(|v: String| v.parse().ok())
            .unwrap_or(0);
        let rows: Vec<(i64, String, String)> = sqlx::query_as(concat!(
            "SELECT id, status, payload FROM outbox WHERE id >= $1
               AND id < COALESCE((SELECT MIN(id) FROM outbox",
            indexed_by!("outbox_pending_order"),
            " WHERE status = 'pending'), 4611686018427387904)
             ORDER BY id LIMIT $2"
        ))
        .bind(from)
        .bind(batch as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(last) = rows.last().map(|r| r.0) else {
            return Ok((0, 0));
        };
        let scanned = rows.len() as u64;
        let mut changed = 0;
        for (id, status, payload) in rows {
            if status != "sent" {
                continue;
            }
            let Ok(mut reply) = serde_json::from_str::<Reply>(&payload) else {
                continue;
            };
            let masked = yunqi_bot::contact::mask_contacts(&reply.text, "***");
            if masked == reply.text {
                continue;
            }
            reply.text = masked;
            sqlx::query("UPDATE outbox SET payload = $2 WHERE id = $1")
                .bind(id)
                .bind(serde_json::to_string(&reply).map_err(backend)?)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            changed += 1;
        }
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .bind(REDACTED_BELOW)
        .bind((last + 1).to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok((scanned, changed))
    }
}
