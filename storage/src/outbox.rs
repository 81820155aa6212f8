//! The outbox table: written inside domain transactions, read and settled by the dispatcher.

use super::store::SqlStore;
use super::tx::{Batch, SqlTx};
use crate::error::{backend, db_err};
use crate::rows::{corrupt, ms, time, user};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use yunqi_bot::ids::{OutboxId, Platform};
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{Delivery, OutboxRow, Progress, Settlement, Store, StoreResult};

/// Writes messages. A fan-out repeats one payload thousands of times: then the rows go in
/// as parameters to one statement (one round trip to SQLite's worker thread), each
/// row only `[recipient, dedupe_key, variant]`, the fields a fan-out shares (platform,
/// conversation, payload, times, ref_key) once per variant, each distinct payload
/// serialized once. Mostly distinct payloads (a group of registrations) go in whole, one
/// row per message, in the flush's batch (`FLUSH_OUTBOX`): there the variants' join
/// would only add work. A fan-out's notices, `STAGE_FROM` or more, are staged instead.
pub(crate) async fn push(
    tx: &mut super::tx::Conn,
    b: &mut Batch,
    msgs: &[Outgoing],
    at: DateTime<Utc>,
) -> StoreResult<()> {
    if msgs.is_empty() {
        return Ok(());
    }
    let now = ms(at);
    let (payloads, of) = payloads(msgs)?;
    let rows: Vec<Row> = msgs.iter().zip(of.iter().copied()).collect();
    // Only a fan-out's notices are staged: the group's other messages (replies, each to
    // its own chat) are written as always, so a chat's replies keep their order.
    match split_fan_out(&rows, payloads.len()) {
        None => write(tx, b, &rows, payloads.len(), &payloads, now).await,
        Some((staged, direct)) => {
            b.send(tx).await?;
            stage(tx, &staged, &payloads, now).await?;
            let distinct: std::collections::HashSet<usize> =
                direct.iter().map(|(_, p)| *p).collect();
            write(tx, b, &direct, distinct.len(), &payloads, now).await
        }
    }
}

/// A message and the index of its payload.
type Row<'a> = (&'a Outgoing, usize);

/// A payload sent to at least this many in one push is a fan-out's notice.
const SHARED_BY: usize = 64;

/// The messages to stage (a fan-out's notices, when there are `STAGE_FROM` of them) and
/// the ones to write now; `None` when nothing is staged (every write group but a fan-out's).
fn split_fan_out<'a>(rows: &[Row<'a>], payloads: usize) -> Option<(Vec<Row<'a>>, Vec<Row<'a>>)> {
    if rows.len() < STAGE_FROM {
        return None;
    }
    let mut uses = vec![0usize; payloads];
    for (_, p) in rows {
        uses[*p] += 1;
    }
    let notice = |p: usize| uses[p] >= SHARED_BY;
    if rows.iter().filter(|(_, p)| notice(*p)).count() < STAGE_FROM {
        return None;
    }
    Some(rows.iter().copied().partition(|(_, p)| notice(*p)))
}

/// Writes messages into the outbox in this transaction; `distinct` payloads among them.
async fn write(
    tx: &mut super::tx::Conn,
    b: &mut Batch,
    rows: &[Row<'_>],
    distinct: usize,
    payloads: &[String],
    now: i64,
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    if distinct * 4 > rows.len() {
        return push_rows(tx, b, rows, payloads, now).await;
    }
    // Numbered placeholders: a statement of its own, after what the batch holds.
    b.send(tx).await?;
    let (variants, rows) = variants_of(rows, now);
    let rows = super::rows_arg(&rows)?;
    let variants = serde_json::to_string(&variants).map_err(backend)?;
    let payloads = serde_json::to_string(&payloads).map_err(backend)?;
    sqlx::query(super::OUTBOX_FROM_JSON)
        .bind(rows)
        .bind(variants)
        .bind(payloads)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// What the messages share, once (`Variant`), and each message as `[recipient,
/// dedupe_key, variant]`.
#[allow(clippy::type_complexity)]
fn variants_of<'a>(
    msgs: &[Row<'a>],
    now: i64,
) -> (Vec<Variant<'a>>, Vec<(&'a str, Option<&'a str>, usize)>) {
    let mut variants: Vec<Variant> = Vec::new();
    let mut index: HashMap<Variant, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(msgs.len());
    for &(m, p) in msgs {
        let v = (
            m.to.user.platform.as_str(),
            m.to.conversation.as_deref(),
            p,
            m.not_before.map(ms).unwrap_or(now),
            m.ref_key.as_deref(),
            m.expires_at.map(ms),
        );
        let i = *index.entry(v).or_insert_with(|| {
            variants.push(v);
            variants.len() - 1
        });
        rows.push((m.to.user.id.as_str(), m.dedupe_key.as_deref(), i));
    }
    (variants, rows)
}

/// A fan-out's notices in one push from which they are staged (`outbox_staged`) instead
/// of written to the outbox: the publishing transaction then writes one narrow row per
/// recipient (≈ 50 bytes, one index) instead of a full outbox row (≈ 360 bytes with its
/// five index entries), and the lanes move them into the outbox a window at a time. 500
/// is 25 s of Slack's 20 messages a second: a larger backlog would hold a later reply up
/// for longer than a user waits.
pub(crate) const STAGE_FROM: usize = 500;

/// A large fan-out into the staging tables: its variants (each distinct message once)
/// and one row per recipient in push order, under a batch number above every staged one.
async fn stage(
    tx: &mut super::tx::Conn,
    msgs: &[Row<'_>],
    payloads: &[String],
    now: i64,
) -> StoreResult<()> {
    let (variants, rows) = variants_of(msgs, now);
    let batch: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(batch), 0) + 1 FROM outbox_staged_variants")
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
    let rows: Vec<_> = rows
        .iter()
        .map(|&(recipient, key, k)| (recipient, key, k, variants[k].0))
        .collect();
    sqlx::query(super::STAGE_VARIANTS_FROM_JSON)
        .bind(serde_json::to_string(&variants).map_err(backend)?)
        .bind(batch)
        .bind(serde_json::to_string(payloads).map_err(backend)?)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    // ≈ 64 bytes a row in the page cache: the row is its key's b-tree entry.
    let kib = rows.len() / 16;
    let rows = super::rows_arg(&rows)?;
    let cache = super::fanout_cache(tx, kib).await?;
    let done = sqlx::query(super::STAGE_FROM_ROWS)
        .bind(rows)
        .bind(batch)
        .execute(&mut **tx)
        .await
        .map_err(db_err);
    super::fanout_cache_restore(tx, cache).await?;
    done.map(|_| ())
}

/// What the rows of a fan-out share: platform, conversation, payload (index), next
/// attempt, ref_key, expiry.
type Variant<'a> = (
    &'a str,
    Option<&'a str>,
    usize,
    i64,
    Option<&'a str>,
    Option<i64>,
);

/// The distinct payloads as JSON, and each message's index into them. A reply shared by
/// many messages (one `Arc`) is serialized once.
fn payloads(msgs: &[Outgoing]) -> StoreResult<(Vec<String>, Vec<usize>)> {
    let mut payloads: Vec<String> = Vec::new();
    let mut by_text: foldhash::HashMap<String, usize> = Default::default();
    let mut by_ptr: foldhash::HashMap<*const Reply, usize> = Default::default();
    let mut of = Vec::with_capacity(msgs.len());
    for m in msgs {
        let ptr = std::sync::Arc::as_ptr(&m.reply);
        let i = match by_ptr.get(&ptr) {
            Some(i) => *i,
            None => {
                let payload = serde_json::to_string(&*m.reply).map_err(backend)?;
                let i = match by_text.get(&payload) {
                    Some(i) => *i,
                    None => {
                        payloads.push(payload.clone());
                        by_text.insert(payload, payloads.len() - 1);
                        payloads.len() - 1
                    }
                };
                by_ptr.insert(ptr, i);
                i
            }
        };
        of.push(i);
    }
    Ok((payloads, of))
}

/// Messages with mostly distinct payloads, each row whole (`FLUSH_OUTBOX`), into the batch.
async fn push_rows(
    tx: &mut super::tx::Conn,
    b: &mut Batch,
    rows: &[Row<'_>],
    payloads: &[String],
    now: i64,
) -> StoreResult<()> {
    let rows: Vec<_> = rows
        .iter()
        .map(|(m, p)| {
            (
                m.to.user.platform.as_str(),
                m.to.user.id.as_str(),
                m.to.conversation.as_deref(),
                payloads[*p].as_str(),
                m.not_before.map(ms).unwrap_or(now),
                m.dedupe_key.as_deref(),
                m.ref_key.as_deref(),
                m.expires_at.map(ms),
            )
        })
        .collect();
    b.bind(now)?
        .bind_rows(&rows)?
        .end(tx, super::FLUSH_OUTBOX)
        .await
}

/// A queued message as `outbox_due` reads it.
#[derive(sqlx::FromRow)]
struct DueRow {
    id: i64,
    platform: String,
    recipient: String,
    conversation: Option<String>,
    payload: String,
    attempts: i64,
    expires_at: Option<i64>,
    parts_done: i64,
    part_ids: Option<String>,
}

impl DueRow {
    const COLS: &'static str =
        "id, platform, recipient, conversation, payload, attempts, expires_at, parts_done, part_ids";

    fn into_row(self) -> StoreResult<OutboxRow> {
        let reply: Reply = serde_json::from_str(&self.payload)
            .map_err(|e| corrupt(format!("outbox {}: {e}", self.id)))?;
        Ok(OutboxRow {
            id: OutboxId(self.id),
            to: Recipient {
                user: user(&self.platform, self.recipient)?,
                conversation: self.conversation,
            },
            reply,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            expires_at: self.expires_at.map(time),
            progress: Progress {
                parts_done: u32::try_from(self.parts_done).unwrap_or(0),
                part_ids: self
                    .part_ids
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default(),
            },
        })
    }
}

impl Store for SqlStore {
    type Tx = SqlTx;

    async fn begin(&self) -> StoreResult<SqlTx> {
        SqlTx::begin(&self.pool, &self.gate, &self.kept).await
    }

    fn writer_thread_started(&self) {
        if let Some(cpu) = self.kept.cpu() {
            match crate::affinity::pin_current(cpu) {
                Ok(()) => tracing::debug!(cpu, "the writer's thread pinned"),
                Err(e) => tracing::warn!(cpu, error = %e, "could not keep the writer on its CPU"),
            }
        }
    }

    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>> {
        // A message waits while an earlier one to the same recipient waits for a retry:
        // a chat is read in order. Recipients the lane is pacing (`waiting`) are left out,
        // so a flooded one cannot fill the page and starve the rest. Walked in id order
        // (the index), it stops at `limit` instead of sorting every due row.
        let sql = format!(
            concat!(
                "SELECT {} FROM outbox o",
                indexed_by!("outbox_pending_order"),
                " WHERE status = 'pending' AND platform = $1 AND next_attempt_at <= $2 AND ($3 IS NULL OR recipient = $3)
                   AND recipient NOT IN (",
                json_texts!("$5"),
                ") AND NOT EXISTS (SELECT 1 FROM outbox p",
                indexed_by!("outbox_pending_recipient"),
                " WHERE p.status = 'pending' AND p.platform = o.platform
                     AND p.recipient = o.recipient AND p.next_attempt_at > $2 AND p.id < o.id)
                 ORDER BY id LIMIT $4"
            ),
            DueRow::COLS
        );
        let rows: Vec<DueRow> = sqlx::query_as(&sql)
            .bind(platform.as_str())
            .bind(ms(now))
            .bind(recipient)
            .bind(limit as i64)
            .bind(serde_json::to_string(waiting).map_err(backend)?)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(DueRow::into_row).collect()
    }

    async fn outbox_settle(&self, settled: &[Settlement]) -> StoreResult<()> {
        if settled.is_empty() {
            return Ok(());
        }
        // One transaction: one fsync for a group of deliveries, not one each. A row done
        // for good drops its claim here too (claims only count on pending rows), so the
        // lane's separate unclaim is left with the retries only.
        let mut tx = self.lane_begin().await?;
        for s in settled {
            let q = match &s.outcome {
                Delivery::Sent { message_id } => sqlx::query("UPDATE outbox SET status = 'sent', attempts = $2, sent_at = $3, platform_msg_id = $4, claimed_by = NULL, lease_until = NULL WHERE id = $1")
                    .bind(s.id.0)
                    .bind(s.attempts as i64)
                    .bind(ms(s.at))
                    .bind(message_id.clone()),
                Delivery::Retry { error, .. } => sqlx::query("UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, parts_done = $5, part_ids = $6 WHERE id = $1")
                    .bind(s.id.0)
                    .bind(s.attempts as i64)
                    .bind(ms(s.retry_at))
                    .bind(error.clone())
                    .bind(s.progress.parts_done as i64)
                    .bind(serde_json::to_string(&s.progress.part_ids).map_err(backend)?),
                Delivery::Failed { error } => sqlx::query("UPDATE outbox SET status = 'failed', attempts = $2, last_error = $3, claimed_by = NULL, lease_until = NULL WHERE id = $1")
                    .bind(s.id.0)
                    .bind(s.attempts as i64)
                    .bind(error.clone()),
            };
            q.execute(&mut *tx).await.map_err(db_err)?;
            if let Delivery::Sent { message_id } = &s.outcome {
                // Remember what this message stood for, so a reply in the thread of any
                // of its parts maps back.
                let ids = s.progress.part_ids.iter().chain(message_id);
                let mut seen = std::collections::HashSet::new();
                for mid in ids.filter(|m| seen.insert(*m)) {
                    sqlx::query("INSERT INTO message_map (platform, message_id, ref_key) SELECT platform, $2, ref_key FROM outbox WHERE id = $1 AND ref_key IS NOT NULL
                         ON CONFLICT (platform, message_id) DO UPDATE SET ref_key = excluded.ref_key")
                        .bind(s.id.0)
                        .bind(mid)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                }
            }
        }
        tx.commit().await
    }

    async fn outbox_expand(&self, platform: Platform, window: u32) -> StoreResult<u64> {
        let staged: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM outbox_staged WHERE platform = $1 LIMIT 1")
                .bind(platform.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        if staged.is_none() {
            return Ok(0);
        }
        // Counted before taking the write lock, so a full window (the usual case while a
        // fan-out goes out) costs the writer nothing; up to the window only: a retry
        // backlog can be long. Another lane of the platform moving rows meanwhile can
        // only make the window overshoot, never lose or double a row.
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE status = 'pending' AND platform = $1 LIMIT $2) w",
        )
        .bind(platform.as_str())
        .bind(window as i64)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let room = window as i64 - pending;
        if room <= 0 {
            return Ok(0);
        }
        let mut tx = self.lane_begin().await?;
        if super::BACKEND == crate::Backend::Postgres {
            // One expander per platform at a time, as for claims: two replicas moving the
            // same rows would queue messages without a dedupe key twice.
            sqlx::query(crate::lease_sql::CLAIM_LOCK_PG)
                .bind(platform.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        // The first `room` staged rows, in push order (the key's order); the INSERT and
        // the DELETE see the same rows in the same transaction. A row whose dedupe key is
        // in the outbox already is dropped, as the direct write would have.
        let moved = sqlx::query(
            "INSERT INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key, expires_at)
             SELECT s.platform, s.recipient, v.conversation, v.payload, v.next_attempt_at, v.created_at, s.dedupe_key, v.ref_key, v.expires_at
             FROM outbox_staged s JOIN outbox_staged_variants v ON v.batch = s.batch AND v.k = s.k
             WHERE s.platform = $1
             ORDER BY s.batch, s.idx LIMIT $2
             ON CONFLICT DO NOTHING",
        )
        .bind(platform.as_str())
        .bind(room)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        let taken = sqlx::query(
            "DELETE FROM outbox_staged WHERE platform = $1 AND (batch, idx) IN
               (SELECT batch, idx FROM outbox_staged WHERE platform = $1 ORDER BY batch, idx LIMIT $2)",
        )
        .bind(platform.as_str())
        .bind(room)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        // A batch's variants go with its last staged row on the platform.
        sqlx::query(
            "DELETE FROM outbox_staged_variants WHERE platform = $1
               AND batch < COALESCE((SELECT MIN(batch) FROM outbox_staged WHERE platform = $1), 9223372036854775807)",
        )
        .bind(platform.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await?;
        tracing::debug!(%platform, taken, moved, "staged fan-out rows moved into the outbox");
        Ok(moved)
    }

    async fn outbox_pending(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND platform = $1 AND ($2 IS NULL OR recipient = $2))
             + (SELECT COUNT(*) FROM outbox_staged WHERE platform = $1 AND ($2 IS NULL OR recipient = $2))")
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
        waiting: &[String],
    ) -> StoreResult<Option<DateTime<Utc>>> {
        // Only each recipient's first pending message counts: the ones behind it are due
        // when it is, whatever their own time says.
        let t: Option<i64> = sqlx::query_scalar(concat!(
            "SELECT MIN(next_attempt_at) FROM outbox o
             WHERE status = 'pending' AND platform = $1 AND ($2 IS NULL OR recipient = $2)
               AND recipient NOT IN (",
            json_texts!("$3"),
            ") AND NOT EXISTS (SELECT 1 FROM outbox p",
            indexed_by!("outbox_pending_recipient"),
            " WHERE p.status = 'pending' AND p.platform = o.platform
                 AND p.recipient = o.recipient AND p.id < o.id)"
        ))
        .bind(platform.as_str())
        .bind(recipient)
        .bind(serde_json::to_string(waiting).map_err(backend)?)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(t.map(time))
    }
}
