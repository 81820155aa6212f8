//! The SQLite backend: the shared store code compiled with `Db = Sqlite`, the statements
//! only SQLite has (`sql!` fragments below), and what exists only here (page limits for
//! the full-disk tests, `backup.rs`, `bench.rs`).

use crate::error::db_err;
use crate::pool::PageLimit;
use sqlx::migrate::Migrator;
use sqlx::SqlitePool;
use yunqi_bot::ports::StoreResult;

pub(crate) type Db = sqlx::Sqlite;

pub(crate) const BACKEND: crate::Backend = crate::Backend::Sqlite;

/// Takes the write lock at once: two processes on one file serialize instead of failing
/// to upgrade a read lock.
pub(crate) const BEGIN: &str = "BEGIN IMMEDIATE";

/// In-process writers queue for the one write lock (`gate.rs`).
pub(crate) const GATED: bool = true;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// `[a, b]` pairs as rows of two columns (the prefetch's `IN`), bound as `rows_arg`.
pub(crate) const PAIRS: &str = "SELECT c0, c1 FROM rows_of(?)";

/// The flush's statements (`tx/flush.rs`): each table's buffered rows packed as one BLOB
/// (`rows_arg`, read by `rows_of`: `sqlite_rows.rs`), bound to the statement's one `?`
/// (the outbox's: two). One text per table whatever the row count, so the flush's
/// statements go in one round trip to SQLite's worker thread as one text, and that text
/// takes one entry in the statement cache per set of tables a group writes. (`WHERE
/// true`: SQLite reads the `ON` of an upsert after a bare `FROM` as a join's.)
pub(crate) const FLUSH_MEMBERS: &str = "INSERT INTO members (id, name, phone, position, years, locale, created_at, skills)
     SELECT c0, c1, c2, c3, c4, c5, c6, c7
     FROM rows_of(?) WHERE true
     ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone, position = excluded.position,
       years = excluded.years, locale = excluded.locale, skills = excluded.skills";
pub(crate) const FLUSH_ACCOUNTS: &str =
    "INSERT INTO accounts (platform, user_id, member_id, created_at)
     SELECT c0, c1, c2, c3 FROM rows_of(?)";
pub(crate) const FLUSH_REGISTRATIONS: &str = "INSERT INTO registrations (id, salon_id, member_id, platform, user_id, status, created_at, offered_until, reason)
     SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8
     FROM rows_of(?)";
pub(crate) const FLUSH_DECISIONS: &str =
    "INSERT INTO decisions (registration_id, actor, action, reason, at)
     SELECT c0, c1, c2, c3, c4 FROM rows_of(?)";
pub(crate) const FLUSH_TICKETS: &str = "INSERT INTO tickets (registration_id, code, issued_at)
     SELECT c0, c1, c2 FROM rows_of(?)";
pub(crate) const FLUSH_SEEN: &str = "INSERT INTO inbound_events (platform, event_id, at)
     SELECT c0, c1, c2 FROM rows_of(?) WHERE true ON CONFLICT DO NOTHING";
pub(crate) const FLUSH_DIALOGUES: &str = "INSERT INTO dialogues (platform, user_id, state, updated_at)
     SELECT c0, c1, c2, c3 FROM rows_of(?) WHERE true
     ON CONFLICT (platform, user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at";
pub(crate) const FLUSH_DIALOGUES_GONE: &str = "DELETE FROM dialogues
     WHERE (platform, user_id) IN (SELECT c0, c1 FROM rows_of(?))";
/// Messages with mostly distinct payloads (a group's replies), each `[platform,
/// recipient, conversation, payload, next_attempt_at, dedupe_key, ref_key, expires_at]`,
/// created at the second `?`.
pub(crate) const FLUSH_OUTBOX: &str = "INSERT INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key, expires_at)
     SELECT c0, c1, c2, c3, c4, ?, c5, c6, c7
     FROM rows_of(?) WHERE true ON CONFLICT DO NOTHING";

/// A fan-out's outbox rows (`outbox::push`): the rows `$1` (`rows_arg`), each
/// `[recipient, dedupe_key, variant]`; the variants `$2` (JSON), each `[platform,
/// conversation, payload, next_attempt_at, ref_key, expires_at]` with `payload` indexing
/// the payloads `$3` (JSON); the time `$4`. No sort:
/// the rows go in in array order because the left side of a CROSS JOIN is SQLite's outer
/// loop (an `ORDER BY` put every row, payload included, through a temporary b-tree).
pub(crate) const OUTBOX_FROM_JSON: &str = "WITH p AS MATERIALIZED (SELECT key AS k, value AS payload FROM json_each(?3)),
     v AS MATERIALIZED (SELECT x.key AS k, x.value ->> 0 AS platform, x.value ->> 1 AS conversation, p.payload,
            x.value ->> 3 AS next_at, x.value ->> 4 AS ref_key, x.value ->> 5 AS expires_at
        FROM json_each(?2) x JOIN p ON p.k = x.value ->> 2)
     INSERT OR IGNORE INTO outbox (platform, recipient, conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key, expires_at)
     SELECT v.platform, r.c0, v.conversation, v.payload, v.next_at, ?4, r.c1, v.ref_key, v.expires_at
     FROM rows_of(?1) r CROSS JOIN v ON v.k = r.c2";

/// A large fan-out staged (`outbox::stage`): its variants `$1` (as in `OUTBOX_FROM_JSON`)
/// under batch `$2`, the payloads `$3`, the time `$4`.
pub(crate) const STAGE_VARIANTS_FROM_JSON: &str = "INSERT INTO outbox_staged_variants (batch, k, platform, conversation, payload, next_attempt_at, created_at, ref_key, expires_at)
     SELECT ?2, x.key, x.value ->> 0, x.value ->> 1, p.value, x.value ->> 3, ?4, x.value ->> 4, x.value ->> 5
     FROM json_each(?1) x JOIN json_each(?3) p ON p.key = x.value ->> 2";

/// Its rows `$1` (`rows_arg`), each `[recipient, dedupe_key, variant, platform]`, under
/// batch `$2`; `idx` counts from 0 (`rows_of`'s rowid from 1).
pub(crate) const STAGE_FROM_ROWS: &str =
    "INSERT INTO outbox_staged (platform, batch, idx, k, recipient, dedupe_key)
     SELECT c3, ?2, rowid - 1, c2, c0, c1 FROM rows_of(?1)";

/// Before a large staged fan-out: lets the connection's page cache hold what the
/// statement touches (`kib`), so the pages do not spill to the WAL mid-statement and get
/// read back. Returns the cache size to restore (`fanout_cache_restore`); the pages are
/// freed as the commit makes them clean.
pub(crate) async fn fanout_cache(tx: &mut tx::Conn, kib: usize) -> StoreResult<Option<i64>> {
    let was: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    let kib = kib as i64;
    if was < 0 && -was >= kib || was >= 0 && was * 4 >= kib {
        return Ok(None);
    }
    sqlx::query(&format!("PRAGMA cache_size = -{kib}"))
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(Some(was))
}

pub(crate) async fn fanout_cache_restore(tx: &mut tx::Conn, was: Option<i64>) -> StoreResult<()> {
    if let Some(was) = was {
        sqlx::query(&format!("PRAGMA cache_size = {was}"))
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// Rows (tuples of integers, text and `None`) as the flush's and the prefetch's one
/// parameter: packed for `rows_of`, not JSON, so SQLite reads each value where it lies
/// instead of rendering each row as text and parsing it again per column.
pub(crate) fn rows_arg<T: serde::Serialize + ?Sized>(rows: &T) -> StoreResult<Vec<u8>> {
    crate::sqlite_rows::pack(rows).map_err(crate::error::backend)
}

/// `SELECT value FROM <a JSON array of text bound at $n>`, as a literal.
macro_rules! json_texts {
    ($p:literal) => {
        concat!("SELECT value FROM json_each(", $p, ")")
    };
}

/// Pins the planner to an index where SQLite's guess was measured wrong.
macro_rules! indexed_by {
    ($i:literal) => {
        concat!(" INDEXED BY ", $i)
    };
}

/// A JSON array of arrays (`cols` each) aggregated over rows, as TEXT: a list read as one
/// row, one hand-off from SQLite's worker thread instead of one per row.
pub(crate) fn json_rows_of(cols: &str) -> String {
    format!("json_group_array({JSON_ARRAY}({cols}))")
}

/// A JSON array of the given values.
pub(crate) const JSON_ARRAY: &str = "json_array";

#[path = "app_store_impl.rs"]
mod app_store_impl;
#[path = "console.rs"]
mod console;
#[path = "export.rs"]
mod export;
#[path = "export_feedback.rs"]
mod export_feedback;
#[path = "export_spec.rs"]
mod export_spec;
#[path = "lease.rs"]
mod lease;
#[path = "ops.rs"]
mod ops;
#[path = "outbox.rs"]
mod outbox;
#[path = "salon_list.rs"]
mod salon_list;
#[path = "store.rs"]
mod store;
#[path = "tx/mod.rs"]
pub(crate) mod tx;
#[path = "web.rs"]
mod web;

pub use console::{GuestRow, SalonSummary};
pub use export::{ExportRow, FeedbackExportRow, JobExportRow};
pub use ops::{Backlog, Purged};
pub use store::SqlStore as SqliteStore;
pub use tx::SqlTx as SqliteTx;
pub use web::WebSession;

/// Keeps the thread sqlx runs this connection on, on `cpu` (`affinity.rs`). SQLite calls
/// a progress handler on the thread that steps the statement, so one set for a `SELECT 1`
/// pins that thread, and is removed after. Failing costs only speed: logged, not raised.
pub(crate) async fn pin_worker(conn: &mut sqlx::SqliteConnection, cpu: usize) {
    let outcome = std::sync::Arc::new(std::sync::OnceLock::new());
    let seen = outcome.clone();
    let ran = async {
        conn.lock_handle().await?.set_progress_handler(1, move || {
            seen.get_or_init(|| crate::affinity::pin_current(cpu));
            true // go on with the statement
        });
        let stepped = sqlx::query("SELECT 1").execute(&mut *conn).await;
        conn.lock_handle().await?.remove_progress_handler();
        stepped.map(drop)
    }
    .await;
    match (ran, outcome.get()) {
        (Ok(()), Some(Ok(()))) => tracing::debug!(cpu, "the writer's SQLite thread pinned"),
        (Ok(()), Some(Err(e))) => {
            tracing::warn!(cpu, error = %e, "could not keep the writer's SQLite thread on its CPU")
        }
        (Ok(()), None) => tracing::warn!(cpu, "the writer's SQLite thread was not reached to pin"),
        (Err(e), _) => tracing::warn!(cpu, error = %e, "could not pin the writer's SQLite thread"),
    }
}

async fn connect(url: &str) -> StoreResult<SqlitePool> {
    crate::pool::connect(url, None).await
}

/// The database file, or `None` in memory (where nothing syncs or checkpoints).
fn db_file(pool: &SqlitePool) -> Option<std::path::PathBuf> {
    let options = pool.connect_options();
    let file = options.get_filename();
    (!file.to_string_lossy().contains(":memory:")).then(|| file.to_path_buf())
}

/// The writer's commits sync off its path (`wal_sync.rs`) on a database file.
fn wal_sync(pool: &SqlitePool) -> StoreResult<Option<crate::wal_sync::WalSync>> {
    let Some(file) = db_file(pool) else {
        return Ok(None);
    };
    crate::wal_sync::WalSync::start(&file)
        .map(Some)
        .map_err(|e| crate::error::backend_in("starting the WAL sync thread", e))
}

/// Checkpoints off the writer's path, on a database file (`checkpoint.rs`); the gate lets
/// them pause this store's writer for the last few frames so the WAL can start over.
fn background(pool: &SqlitePool, gate: &crate::gate::WriteGate) {
    if let Some(file) = db_file(pool) {
        crate::checkpoint::spawn(pool.clone(), file, gate.clone());
    }
}

/// After a clean close: lets the next open skip the damage check (`open_check.rs`).
async fn closed(pool: &SqlitePool) {
    crate::open_check::stamp_clean_close(pool).await;
}

impl SqliteStore {
    /// `open` with every connection limited to `limit` pages: tests make the disk "full".
    #[doc(hidden)]
    pub async fn open_limited(url: &str, limit: PageLimit) -> StoreResult<SqliteStore> {
        let store = SqliteStore::from_pool(crate::pool::connect(url, Some(limit)).await?);
        store.migrate().await?;
        Ok(store)
    }

    /// Test hook: runs before each WAL sync after the writer's commits (`wal_sync.rs`),
    /// to hold the sync or fail it as a disk error would. `false` when this store's writer
    /// syncs inside its commit (no sync thread).
    #[doc(hidden)]
    pub fn set_sync_hook(&self, hook: Option<crate::wal_sync::SyncHook>) -> bool {
        self.kept.sync().map(|sync| sync.set_hook(hook)).is_some()
    }

    /// Pages in the database file (tests set a `PageLimit` just above it).
    #[doc(hidden)]
    pub async fn page_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }
}

/// Claims outbox rows for `holder` (`lease_sql::CLAIM_SQLITE`; the ids as one JSON array).
pub(crate) async fn claim_rows(
    conn: &mut sqlx::SqliteConnection,
    platform: &str,
    holder: &str,
    ids: &[i64],
    now: i64,
    until: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let json = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query_scalar(crate::lease_sql::CLAIM_SQLITE)
        .bind(platform)
        .bind(holder)
        .bind(json)
        .bind(now)
        .bind(until)
        .fetch_all(conn)
        .await
}

/// Releases `holder`'s claims on `ids`.
pub(crate) async fn unclaim_rows(
    conn: &mut sqlx::SqliteConnection,
    holder: &str,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(crate::lease_sql::UNCLAIM_SQLITE)
        .bind(holder)
        .bind(json)
        .execute(conn)
        .await?;
    Ok(())
}

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

/// `AppStore::serving_alone`: the serve lock is held, so leases left behind are void.
async fn serving_alone(store: &SqliteStore) -> StoreResult<()> {
    store.leases_void().await
}

#[cfg(test)]
mod tests {
    use super::SqliteStore;
    use yunqi_bot::ports::{Store, Tx};

    /// A store on a new file in a directory that lives as long as the first value.
    async fn fresh() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
        (dir, store)
    }

    /// A TEMP table lives only on the connection that made it.
    async fn marked(tx: &mut super::SqliteTx) -> bool {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'writer_mark'",
        )
        .fetch_one(&mut *tx.tx)
        .await
        .unwrap();
        n == 1
    }

    #[tokio::test]
    async fn statement_journals_stay_in_memory_on_every_connection() {
        let (_dir, store) = fresh().await;
        let mut tx = store.begin().await.unwrap();
        let writer: i64 = sqlx::query_scalar("PRAGMA temp_store")
            .fetch_one(&mut *tx.tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let pooled: i64 = sqlx::query_scalar("PRAGMA temp_store")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!((writer, pooled), (2, 2), "2 = MEMORY");
    }

    #[tokio::test]
    async fn the_writer_keeps_its_connection_only_after_a_clean_end() {
        let (dir, store) = fresh().await;

        let mut tx = store.begin().await.unwrap();
        sqlx::query("CREATE TEMP TABLE writer_mark (x)")
            .execute(&mut *tx.tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(store.kept.holds_one(), "kept after COMMIT");

        let mut tx = store.begin().await.unwrap();
        assert!(marked(&mut tx).await, "the next transaction runs on it");
        tx.rollback().await.unwrap();
        assert!(store.kept.holds_one(), "kept after ROLLBACK");

        // Dropped mid-transaction (an error returned early): back to the pool, which
        // rolls it back, not kept.
        let tx = store.begin().await.unwrap();
        drop(tx);
        assert!(
            !store.kept.holds_one(),
            "not kept after an abandoned transaction"
        );

        // The close waits for every connection, the kept one included, and stamps.
        let mut tx = store.begin().await.unwrap();
        let _ = marked(&mut tx).await;
        tx.commit().await.unwrap();
        assert!(store.kept.holds_one());
        tokio::time::timeout(std::time::Duration::from_secs(10), store.close())
            .await
            .expect("close returns with a kept connection");
        assert!(crate::open_check::closed_cleanly(&dir.path().join("y.db")));
    }

    #[tokio::test]
    async fn a_kept_connection_that_cannot_begin_is_replaced_by_a_pooled_one() {
        let (_dir, store) = fresh().await;
        let tx = store.begin().await.unwrap();
        tx.commit().await.unwrap();
        // Broken behind sqlx's back: inside a transaction sqlx does not know of, so its
        // `BEGIN IMMEDIATE` fails (as a connection a server dropped would).
        let mut conn = store.kept.take().expect("kept after COMMIT");
        sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
        store.kept.put(conn);

        let mut tx = store.begin().await.expect("begun on a pooled connection");
        let n: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut *tx.tx)
            .await
            .unwrap();
        assert_eq!(n, 1);
        tx.commit().await.unwrap();
        assert!(store.kept.holds_one(), "the new one is kept");
        store.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_begin_dropped_while_it_waits_for_the_lock_leaves_no_relaxed_connection_pooled() {
        use std::time::Duration;
        use yunqi_bot::ports::MetaTx;
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("y.db").display().to_string();
        // Two stores on one file (as two replicas): separate gates, one SQLite lock.
        let a = SqliteStore::open(&url).await.unwrap();
        let b = SqliteStore::open(&url).await.unwrap();
        let mut tx = a.begin().await.unwrap();
        tx.meta_put("k", "v").await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            a.kept.holds_one(),
            "a's writer keeps its relaxed connection"
        );

        let mut holder = b.pool.acquire().await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(&mut *holder)
            .await
            .unwrap();
        let waiting = tokio::spawn({
            let a = a.clone();
            async move { a.begin().await.map(drop) }
        });
        // a's BEGIN IMMEDIATE, on the kept connection, waits in SQLite's busy handler; its
        // task is dropped there (a lane stopped mid-write).
        tokio::time::sleep(Duration::from_millis(200)).await;
        waiting.abort();
        let _ = waiting.await;
        sqlx::raw_sql("COMMIT").execute(&mut *holder).await.unwrap();
        drop(holder);

        // The relaxed connection was closed, not handed to a's pool.
        let mut conns = Vec::new();
        for _ in 0..a.pool.options().get_max_connections() {
            conns.push(a.pool.acquire().await.unwrap());
        }
        for c in &mut conns {
            let mode: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **c)
                .await
                .unwrap();
            assert_eq!(mode, 2, "a pooled connection must sync its commits (FULL)");
        }
        drop(conns);
        a.close().await;
        b.close().await;
    }
}
