//! Opening the database: connection options and the pool.

use crate::error::{backend_in, db_err};
use crate::open_check::{closed_cleanly, quick_check};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
    SqliteTransactionManager,
};
use sqlx::{Executor, SqlitePool, TransactionManager};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::StoreResult;

/// Test hook: a `max_page_count` applied to every connection on each acquire, to make
/// writes fail like a full disk (and then let them succeed again).
#[doc(hidden)]
#[derive(Clone)]
pub struct PageLimit(Arc<AtomicU64>);

impl PageLimit {
    pub fn new(pages: u64) -> PageLimit {
        PageLimit(Arc::new(AtomicU64::new(pages)))
    }

    pub fn set(&self, pages: u64) {
        self.0.store(pages, Ordering::SeqCst);
    }

    fn sql(&self) -> String {
        format!("PRAGMA max_page_count = {}", self.0.load(Ordering::SeqCst))
    }
}

/// `url` made explicit (`sqlite://path` for a plain path) and whether it is in memory.
pub(crate) fn normalize(url: &str) -> (String, bool) {
    let url = if url.starts_with("sqlite:") {
        url.to_string()
    } else {
        format!("sqlite://{url}")
    };
    let memory = url.contains(":memory:");
    (url, memory)
}

/// The database file of a `sqlite:` url, if it is a file.
fn file_of(url: &str, memory: bool) -> Option<PathBuf> {
    if memory {
        return None;
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    Some(PathBuf::from(path))
}

/// The database holds phone numbers: owner-only, whatever the umask. SQLite gives -wal
/// and -shm the main file's mode; they are set too in case they predate this.
fn owner_only(file: &Path, create: bool) -> StoreResult<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if create && !file.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
            .map_err(|e| backend_in(format!("create {}", file.display()), e))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let f = PathBuf::from(name);
        if f.exists() {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| backend_in(format!("chmod {}", f.display()), e))?;
        }
    }
    Ok(())
}

pub(crate) async fn connect(url: &str, limit: Option<PageLimit>) -> StoreResult<SqlitePool> {
    crate::sqlite_rows::register();
    let (url, memory) = normalize(url);
    let file = file_of(&url, memory);
    if let Some(file) = &file {
        if let Some(dir) = file.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| backend_in(format!("create {}", dir.display()), e))?;
            }
        }
        owner_only(file, true)?;
    }
    let checked_before = file.as_deref().is_some_and(closed_cleanly);
    let opts = SqliteConnectOptions::from_str(&url)
        .map_err(db_err)?
        .create_if_missing(true)
        .journal_mode(if memory {
            SqliteJournalMode::Memory
        } else {
            SqliteJournalMode::Wal
        })
        // FULL: a commit that returned survives power loss, not only a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Checkpoints run on their own connection (`checkpoint.rs`), not inside a commit.
        .pragma("wal_autocheckpoint", if memory { "1000" } else { "0" })
        // A multi-row INSERT inside a transaction keeps a statement journal; past 64 KiB
        // SQLite spilled it to a temp file it opened, wrote and closed per statement
        // (13 % of the writer's SQLite thread under `yunqi-load`). In memory instead.
        .pragma("temp_store", "memory")
        .statement_cache_capacity(256)
        // Rows come back from the worker thread through this channel; a larger one means
        // fewer thread hand-offs for big reads (fan-out to thousands of subscribers).
        .row_buffer_size(1024);
    let mut pool = SqlitePoolOptions::new()
        // One connection for an in-memory database: each connection would be its own db.
        .max_connections(if memory { 1 } else { 4 })
        .min_connections(1)
        // sqlx pings each connection before handing it out: a round trip to its worker
        // thread per transaction. `before_acquire` below checks what matters, for free.
        .test_before_acquire(false);
    if let Some(limit) = &limit {
        let limit = limit.clone();
        pool = pool.after_connect(move |conn, _| {
            let sql = limit.sql();
            Box::pin(async move { conn.execute(sql.as_str()).await.map(|_| ()) })
        });
    }
    let pool = pool.before_acquire(move |conn, _| {
        let sql = limit.as_ref().map(PageLimit::sql);
        Box::pin(async move {
            // Never reuse a connection left inside a transaction (a failed COMMIT or
            // ROLLBACK): the pool closes it and opens another. An atomic load, no query.
            if SqliteTransactionManager::get_transaction_depth(conn) != 0 {
                tracing::warn!("closing a pooled connection left inside a transaction");
                return Ok(false);
            }
            if let Some(sql) = sql {
                conn.execute(sql.as_str()).await?;
            }
            Ok(true)
        })
    });
    let Some(file) = file else {
        return pool.connect_with(opts).await.map_err(db_err);
    };
    let pool = pool
        .connect_with(opts)
        .await
        .map_err(|e| backend_in(format!("opening database {}", file.display()), e))?;
    if !checked_before {
        quick_check(&pool, &file).await?;
    }
    owner_only(&file, false)?;
    Ok(pool)
}
