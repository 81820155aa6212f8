//! The PostgreSQL backend: the same store code as SQLite compiled with `Db = Postgres`,
//! and the statements that differ (`sql!` fragments below, `pool.rs`). Every PostgreSQL-
//! only statement lives under `storage/src/pg/`.

mod pool;

use sqlx::migrate::Migrator;
use sqlx::PgPool;
use yunqi_bot::ports::StoreResult;

pub(crate) type Db = sqlx::Postgres;

pub(crate) const BACKEND: crate::Backend = crate::Backend::Postgres;

/// Domain transactions serialize on one advisory lock, taken in the same round trip as
/// `BEGIN` and released at COMMIT/ROLLBACK: PostgreSQL's analogue of SQLite's
/// `BEGIN IMMEDIATE` across replicas. What the writer caches, and ids handed out as
/// MAX + 1, stay true for the transaction's life. (READ COMMITTED: each statement sees
/// every transaction that committed before the lock was granted.)
pub(crate) const BEGIN: &str = "BEGIN; SELECT pg_advisory_xact_lock(7960616001)";

/// Row locks and the advisory lock order writers: no in-process queue (`gate.rs`).
pub(crate) const GATED: bool = false;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// SQLite's writer pins its connection's thread (`affinity.rs`); a PostgreSQL connection
/// has no thread of its own (and the writer's CPU is never set: `Kept::set_cpu`).
pub(crate) async fn pin_worker(_conn: &mut sqlx::PgConnection, _cpu: usize) {}

/// Rows (tuples) as the flush's and the prefetch's one parameter: a JSON array of arrays.
pub(crate) fn rows_arg<T: serde::Serialize + ?Sized>(rows: &T) -> StoreResult<String> {
    serde_json::to_string(rows).map_err(crate::error::backend)
}

/// A JSON array of `[a, b]` pairs as rows of two columns (the prefetch's `IN`).
pub(crate) const PAIRS: &str =
    "SELECT v->>0, v->>1 FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) AS r(v)";

/// The flush's statements (see `sqlite.rs`), sent one by one: PostgreSQL's extended
/// protocol takes one statement per round trip. In array order (`ORDER BY n`), as the
/// multi-row INSERTs were.
pub(crate) const FLUSH_MEMBERS: &str = "INSERT INTO members (id, name, phone, position, years, locale, created_at, skills)
     SELECT CAST(v->>0 AS BIGINT), v->>1, v->>2, v->>3, CAST(v->>4 AS BIGINT), v->>5, CAST(v->>6 AS BIGINT), v->>7
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone, position = excluded.position,
       years = excluded.years, locale = excluded.locale, skills = excluded.skills";
pub(crate) const FLUSH_ACCOUNTS: &str =
    "INSERT INTO accounts (platform, user_id, member_id, created_at)
     SELECT v->>0, v->>1, CAST(v->>2 AS BIGINT), CAST(v->>3 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n";
pub(crate) const FLUSH_REGISTRATIONS: &str = "INSERT INTO registrations (id, salon_id, member_id, platform, user_id, status, created_at, offered_until, reason)
     SELECT CAST(v->>0 AS BIGINT), CAST(v->>1 AS BIGINT), CAST(v->>2 AS BIGINT), v->>3, v->>4, v->>5,
       CAST(v->>6 AS BIGINT), CAST(v->>7 AS BIGINT), v->>8
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n";
pub(crate) const FLUSH_DECISIONS: &str =
    "INSERT INTO decisions (registration_id, actor, action, reason, at)
     SELECT CAST(v->>0 AS BIGINT), v->>1, v->>2, v->>3, CAST(v->>4 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n";
pub(crate) const FLUSH_TICKETS: &str = "INSERT INTO tickets (registration_id, code, issued_at)
     SELECT CAST(v->>0 AS BIGINT), v->>1, CAST(v->>2 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n";
pub(crate) const FLUSH_SEEN: &str = "INSERT INTO inbound_events (platform, event_id, at)
     SELECT v->>0, v->>1, CAST(v->>2 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n
     ON CONFLICT DO NOTHING";
pub(crate) const FLUSH_DIALOGUES: &str = "INSERT INTO dialogues (platform, user_id, state, updated_at)
     SELECT v->>0, v->>1, v->>2, CAST(v->>3 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n
     ON CONFLICT (platform, user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at";
pub(crate) const FLUSH_DIALOGUES_GONE: &str = "DELETE FROM dialogues
     WHERE (platform, user_id) IN (SELECT v->>0, v->>1 FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) AS r(v))";
pub(crate) const FLUSH_OUTBOX: &str = "INSERT INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key, expires_at)
     SELECT v->>0, v->>1, v->>2, v->>3, CAST(v->>4 AS BIGINT), $1, v->>5, v->>6, CAST(v->>7 AS BIGINT)
     FROM jsonb_array_elements(CAST($2 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) ORDER BY n
     ON CONFLICT DO NOTHING";

/// `outbox::push`'s fan-out statement (see `sqlite.rs`).
pub(crate) const OUTBOX_FROM_JSON: &str = "WITH p AS MATERIALIZED (SELECT n - 1 AS k, v AS payload FROM jsonb_array_elements_text(CAST($3 AS TEXT)::jsonb) WITH ORDINALITY AS p(v, n)),
     v AS MATERIALIZED (SELECT x.n - 1 AS k, x.v->>0 AS platform, x.v->>1 AS conversation, p.payload,
            CAST(x.v->>3 AS BIGINT) AS next_at, x.v->>4 AS ref_key, CAST(x.v->>5 AS BIGINT) AS expires_at
        FROM jsonb_array_elements(CAST($2 AS TEXT)::jsonb) WITH ORDINALITY AS x(v, n) JOIN p ON p.k = CAST(x.v->>2 AS BIGINT))
     INSERT INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key, expires_at)
     SELECT v.platform, r.v->>0, v.conversation, v.payload, v.next_at, $4, r.v->>1, v.ref_key, v.expires_at
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n) JOIN v ON v.k = CAST(r.v->>2 AS BIGINT)
     ORDER BY r.n
     ON CONFLICT DO NOTHING";

/// `outbox::stage`'s statements (see `sqlite.rs`).
pub(crate) const STAGE_VARIANTS_FROM_JSON: &str = "INSERT INTO outbox_staged_variants (batch, k, platform, conversation, payload, next_attempt_at, created_at, ref_key, expires_at)
     SELECT $2, x.n - 1, x.v->>0, x.v->>1, p.v, CAST(x.v->>3 AS BIGINT), $4, x.v->>4, CAST(x.v->>5 AS BIGINT)
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS x(v, n)
     JOIN jsonb_array_elements_text(CAST($3 AS TEXT)::jsonb) WITH ORDINALITY AS p(v, n) ON p.n - 1 = CAST(x.v->>2 AS BIGINT)";

pub(crate) const STAGE_FROM_ROWS: &str =
    "INSERT INTO outbox_staged (platform, batch, idx, k, recipient, dedupe_key)
     SELECT r.v->>3, $2, r.n - 1, CAST(r.v->>2 AS BIGINT), r.v->>0, r.v->>1
     FROM jsonb_array_elements(CAST($1 AS TEXT)::jsonb) WITH ORDINALITY AS r(v, n)";

/// PostgreSQL's buffers are the server's: nothing to size per statement (`sqlite.rs`).
pub(crate) async fn fanout_cache(_: &mut tx::Conn, _: usize) -> StoreResult<Option<i64>> {
    Ok(None)
}

pub(crate) async fn fanout_cache_restore(_: &mut tx::Conn, _: Option<i64>) -> StoreResult<()> {
    Ok(())
}

macro_rules! json_texts {
    ($p:literal) => {
        concat!(
            "SELECT jsonb_array_elements_text(CAST(",
            $p,
            " AS TEXT)::jsonb)"
        )
    };
}

/// PostgreSQL plans with its statistics: no index hints.
macro_rules! indexed_by {
    ($i:literal) => {
        ""
    };
}

/// `sqlite.rs`'s `json_rows_of`: the rows as one JSON text.
pub(crate) fn json_rows_of(cols: &str) -> String {
    format!("CAST(json_agg({JSON_ARRAY}({cols})) AS TEXT)")
}

/// A JSON array of the given values.
pub(crate) const JSON_ARRAY: &str = "json_build_array";

#[path = "../app_store_impl.rs"]
mod app_store_impl;
#[path = "../console.rs"]
mod console;
#[path = "../export.rs"]
mod export;
#[path = "../export_feedback.rs"]
mod export_feedback;
#[path = "../export_spec.rs"]
mod export_spec;
#[path = "../lease.rs"]
mod lease;
#[path = "../ops.rs"]
mod ops;
#[path = "../outbox.rs"]
mod outbox;
#[path = "../salon_list.rs"]
mod salon_list;
#[path = "../store.rs"]
mod store;
#[path = "../tx/mod.rs"]
pub(crate) mod tx;
#[path = "../web.rs"]
mod web;

pub use store::SqlStore as PgStore;
pub use tx::SqlTx as PgTx;

async fn connect(url: &str) -> StoreResult<PgPool> {
    pool::connect(url).await
}

/// PostgreSQL syncs its own WAL at COMMIT.
fn wal_sync(_pool: &PgPool) -> StoreResult<Option<crate::wal_sync::WalSync>> {
    Ok(None)
}

/// PostgreSQL checkpoints by itself.
fn background(_pool: &PgPool, _gate: &crate::gate::WriteGate) {}

/// Nothing to leave behind: PostgreSQL has no open-time check to skip.
async fn closed(_pool: &PgPool) {}

/// Claims outbox rows for `holder`: the platform's claims serialized by an advisory lock
/// for the transaction (`lease_sql::CLAIM_LOCK_PG`), then `CLAIM_PG` with
/// `FOR UPDATE SKIP LOCKED`.
pub(crate) async fn claim_rows(
    conn: &mut sqlx::PgConnection,
    platform: &str,
    holder: &str,
    ids: &[i64],
    now: i64,
    until: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    // Inside the caller's transaction: the lock is held until its COMMIT.
    sqlx::query(crate::lease_sql::CLAIM_LOCK_PG)
        .bind(platform)
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar(crate::lease_sql::CLAIM_PG)
        .bind(platform)
        .bind(holder)
        .bind(ids)
        .bind(now)
        .bind(until)
        .fetch_all(conn)
        .await
}

/// Releases `holder`'s claims on `ids`.
pub(crate) async fn unclaim_rows(
    conn: &mut sqlx::PgConnection,
    holder: &str,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query(crate::lease_sql::UNCLAIM_PG)
        .bind(holder)
        .bind(ids)
        .execute(conn)
        .await?;
    Ok(())
}

/// `AppStore::serving_alone`: replicas share the database and each holds its own leases,
/// which expire by themselves when a replica dies; nothing is voided.
async fn serving_alone(_store: &PgStore) -> StoreResult<()> {
    Ok(())
}
