//! SQLite (sqlx) implementation of the core's storage ports. The only crate with SQL.

mod backup;
mod bench;
mod console;
mod error;
mod export;
mod export_feedback;
mod export_spec;
mod ops;
mod outbox;
mod pool;
mod rows;
mod salon_list;
mod tx;
mod web;

pub use bench::DatasetSize;
pub use console::{GuestRow, SalonSummary};
pub use export::{ExportRow, JobExportRow};
pub use export_feedback::FeedbackExportRow;
pub use ops::{Backlog, Purged};
pub use tx::SqliteTx;
pub use web::WebSession;

use chrono::Utc;
use error::{backend_in, db_err};
use futures::future::BoxFuture;
pub use pool::PageLimit;
use rows::ms;
use sqlx::SqlitePool;
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
        SqliteStore::open_pool(url, None).await
    }

    /// `open` with every connection limited to `limit` pages: tests make the disk "full".
    #[doc(hidden)]
    pub async fn open_limited(url: &str, limit: PageLimit) -> StoreResult<SqliteStore> {
        SqliteStore::open_pool(url, Some(limit)).await
    }

    async fn open_pool(url: &str, limit: Option<PageLimit>) -> StoreResult<SqliteStore> {
        let pool = pool::connect(url, limit).await?;
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Pages in the database file (tests set a `PageLimit` just above it).
    #[doc(hidden)]
    pub async fn page_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
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
