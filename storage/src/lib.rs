//! SQLite (sqlx) implementation of the core's storage ports. The only crate with SQL.

mod convert;
mod outbox;
mod tx;

pub use tx::SqliteTx;

use chrono::{DateTime, Utc};
use convert::ms;
use futures::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;
use yunqi_bot::ports::{Kv, StoreError, StoreResult};

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.message().contains("CHECK constraint") || d.message().contains("UNIQUE constraint") {
            return StoreError::Constraint(d.message().to_string());
        }
    }
    StoreError::Backend(e.to_string())
}

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
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Backend(format!("create {}: {e}", dir.display()))
                    })?;
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
            .map_err(|e| StoreError::Backend(format!("migrate: {e}")))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// For export and tests: every registration's latest row, with profile, oldest first.
    pub async fn export_salon(&self, salon: i64) -> StoreResult<Vec<ExportRow>> {
        let rows: Vec<ExportCols> = sqlx::query_as(
            "SELECT r.id, m.name, m.phone, m.position, m.years, r.status, r.platform, r.user_id, r.created_at
             FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.id IN (SELECT MAX(id) FROM registrations WHERE salon_id = ?1 GROUP BY member_id)
             ORDER BY r.id",
        )
        .bind(salon)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, phone, position, years, status, platform, user, at)| ExportRow {
                    id,
                    name: name.unwrap_or_default(),
                    phone: phone.unwrap_or_default(),
                    position: position.unwrap_or_default(),
                    years: years.map(|y| y.to_string()).unwrap_or_default(),
                    status,
                    platform,
                    user,
                    registered_at: convert::time(at),
                },
            )
            .collect())
    }

    /// Decisions recorded for a salon's registrations, oldest first: (registration, actor, action, reason).
    pub async fn decisions(
        &self,
        salon: i64,
    ) -> StoreResult<Vec<(i64, String, String, Option<String>)>> {
        sqlx::query_as(
            "SELECT d.registration_id, d.actor, d.action, d.reason FROM decisions d
             JOIN registrations r ON r.id = d.registration_id WHERE r.salon_id = ?1 ORDER BY d.id",
        )
        .bind(salon)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub async fn export_jobs(&self) -> StoreResult<Vec<JobExportRow>> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT j.id, j.title, j.status, j.platform, j.user_id,
                    (SELECT group_concat(tag, ' ') FROM (SELECT tag FROM job_tags WHERE job_id = j.id ORDER BY pos)),
                    j.budget_min, j.budget_max, j.deadline,
                    (SELECT a.platform || ':' || a.user_id FROM accounts a WHERE a.member_id = j.assignee_id ORDER BY a.created_at LIMIT 1),
                    (SELECT COUNT(*) FROM applications p WHERE p.job_id = j.id),
                    j.created_at, j.published_at
             FROM jobs j ORDER BY j.id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let g = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
        rows.iter()
            .map(|r| {
                Ok(JobExportRow {
                    id: r.try_get(0).map_err(g)?,
                    title: r.try_get(1).map_err(g)?,
                    status: r.try_get(2).map_err(g)?,
                    client_platform: r.try_get(3).map_err(g)?,
                    client_user: r.try_get(4).map_err(g)?,
                    tags: r
                        .try_get::<Option<String>, _>(5)
                        .map_err(g)?
                        .unwrap_or_default(),
                    budget_min: r.try_get(6).map_err(g)?,
                    budget_max: r.try_get(7).map_err(g)?,
                    deadline: r.try_get(8).map_err(g)?,
                    assignee: r
                        .try_get::<Option<String>, _>(9)
                        .map_err(g)?
                        .unwrap_or_default(),
                    applicants: r.try_get(10).map_err(g)?,
                    created_at: convert::time(r.try_get(11).map_err(g)?),
                    published_at: r
                        .try_get::<Option<i64>, _>(12)
                        .map_err(g)?
                        .map(convert::time),
                })
            })
            .collect()
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// (id, name, phone, position, years, status, platform, user, registered_at)
type ExportCols = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
    String,
    i64,
);

/// One line of `yunqi export jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobExportRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub client_platform: String,
    pub client_user: String,
    pub tags: String,
    pub budget_min: i64,
    pub budget_max: i64,
    pub deadline: String,
    /// `platform:id` of the assignee's first account.
    pub assignee: String,
    pub applicants: i64,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// One line of `yunqi export salon`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub position: String,
    pub years: String,
    pub status: String,
    pub platform: String,
    pub user: String,
    pub registered_at: DateTime<Utc>,
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
