//! The outbox table: written inside domain transactions, read and settled by the dispatcher.

use crate::convert::{ms, time, user};
use crate::{db_err, SqliteStore, SqliteTx};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use yunqi_bot::ids::{OutboxId, Platform};
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{Delivery, OutboxRow, Store, StoreError, StoreResult};

/// Rows per INSERT: 7 parameters each, well under SQLite's variable limit.
const CHUNK: usize = 500;

pub(crate) async fn push(
    tx: &mut Transaction<'static, Sqlite>,
    msgs: &[Outgoing],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let now = ms(at);
    for chunk in msgs.chunks(CHUNK) {
        let payloads = chunk
            .iter()
            .map(|m| {
                serde_json::to_string(&m.reply).map_err(|e| StoreError::Backend(e.to_string()))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key) ",
        );
        q.push_values(chunk.iter().zip(payloads), |mut b, (m, payload)| {
            b.push_bind(m.to.user.platform.as_str())
                .push_bind(m.to.user.id.clone())
                .push_bind(m.to.conversation.clone())
                .push_bind(payload)
                .push_bind(m.not_before.map(ms).unwrap_or(now))
                .push_bind(now)
                .push_bind(m.dedupe_key.clone());
        });
        q.build().execute(&mut **tx).await.map_err(db_err)?;
    }
    Ok(())
}

type Cols = (i64, String, String, Option<String>, String, i64);

fn row(c: Cols) -> StoreResult<OutboxRow> {
    let (id, platform, recipient, conversation, payload, attempts) = c;
    let reply: Reply = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?;
    Ok(OutboxRow {
        id: OutboxId(id),
        to: Recipient {
            user: user(&platform, recipient)?,
            conversation,
        },
        reply,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

impl Store for SqliteStore {
    type Tx = SqliteTx;

    async fn begin(&self) -> StoreResult<SqliteTx> {
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        Ok(SqliteTx::new(tx))
    }

    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>> {
        let rows: Vec<Cols> = sqlx::query_as(
            // A message waits while an earlier one to the same recipient waits for a retry:
            // a chat is read in order.
            "SELECT id, platform, recipient, conversation, payload, attempts FROM outbox o
             WHERE status = 'pending' AND platform = ?1 AND next_attempt_at <= ?2 AND (?3 IS NULL OR recipient = ?3)
               AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'pending' AND p.platform = o.platform
                               AND p.recipient = o.recipient AND p.next_attempt_at > ?2 AND p.id < o.id)
             ORDER BY id LIMIT ?4",
        )
        .bind(platform.as_str())
        .bind(ms(now))
        .bind(recipient)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(row).collect()
    }

    async fn outbox_settle(
        &self,
        id: OutboxId,
        attempts: u32,
        outcome: &Delivery,
        now: DateTime<Utc>,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let q = match outcome {
            Delivery::Sent { message_id } => sqlx::query("UPDATE outbox SET status = 'sent', attempts = ?2, sent_at = ?3, platform_msg_id = ?4 WHERE id = ?1")
                .bind(id.0)
                .bind(attempts as i64)
                .bind(ms(now))
                .bind(message_id.clone()),
            Delivery::Retry { error, .. } => sqlx::query("UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1")
                .bind(id.0)
                .bind(attempts as i64)
                .bind(ms(retry_at))
                .bind(error.clone()),
            Delivery::Failed { error } => sqlx::query("UPDATE outbox SET status = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1")
                .bind(id.0)
                .bind(attempts as i64)
                .bind(error.clone()),
        };
        q.execute(&self.pool).await.map_err(db_err)?;
        Ok(())
    }

    async fn outbox_pending(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND platform = ?1 AND (?2 IS NULL OR recipient = ?2)")
            .bind(platform.as_str())
            .bind(recipient)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn outbox_next_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let t: Option<i64> = sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending' AND platform = ?1 AND (?2 IS NULL OR recipient = ?2)")
            .bind(platform.as_str())
            .bind(recipient)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(t.map(time))
    }
}
