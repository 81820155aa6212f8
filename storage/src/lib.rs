//! SQLite (sqlx) implementation of the core's storage ports. The only crate with SQL.

mod error;
mod export;
mod outbox;
mod rows;
mod tx;

pub use export::{ExportRow, JobExportRow};
pub use tx::SqliteTx;

use chrono::Utc;
use error::{backend_in, db_err};
use futures::future::BoxFuture;
use rows::ms;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;
use yunqi_bot::ports::{Kv, StoreResult};

/// The database: a small pool; domain writes go through one writer transaction at a time.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path.db`, a plain path,
    /// or `sqlite::memory:`), in WAL mode with full sync, and applies migrations.
    pub async fn open(url: &str) -> StoreResult<SqliteStore> {
        let url = if url.starts_with("sqlite:") {
            url.to_string()
        } else {
            format!("sqlite://{url}")
        };
        let memory = url.contains(":memory:");
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
        let pool = SqlitePoolOptions::new()
            // One connection for an in-memory database: each connection would be its own db.
            .max_connections(if memory { 1 } else { 4 })
            .min_connections(1)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(|e| backend_in("migrate", e))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl Kv for SqliteStore {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move {
            sqlx::query_scalar("SELECT value FROM kv WHERE key = ?1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)
        })
    }

    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO kv (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(ms(Utc::now()))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
            Ok(())
        })
    }
}
