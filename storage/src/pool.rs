//! Opening the database: connection options and the pool.

use crate::error::{backend_in, db_err};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor, SqlitePool};
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

pub(crate) async fn connect(url: &str, limit: Option<PageLimit>) -> StoreResult<SqlitePool> {
    let (url, memory) = normalize(url);
    if !memory {
        if let Some(dir) = std::path::Path::new(url.trim_start_matches("sqlite://")).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| backend_in(format!("create {}", dir.display()), e))?;
            }
        }
    }
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
        .statement_cache_capacity(256)
        // Rows come back from the worker thread through this channel; a larger one means
        // fewer thread hand-offs for big reads (fan-out to thousands of subscribers).
        .row_buffer_size(1024);
    let mut pool = SqlitePoolOptions::new()
        // One connection for an in-memory database: each connection would be its own db.
        .max_connections(if memory { 1 } else { 4 })
        .min_connections(1);
    if let Some(limit) = limit {
        let on_connect = limit.clone();
        pool = pool
            .after_connect(move |conn, _| {
                let sql = on_connect.sql();
                Box::pin(async move { conn.execute(sql.as_str()).await.map(|_| ()) })
            })
            .before_acquire(move |conn, _| {
                let sql = limit.sql();
                Box::pin(async move { conn.execute(sql.as_str()).await.map(|_| true) })
            });
    }
    pool.connect_with(opts).await.map_err(db_err)
}
