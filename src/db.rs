//! `[storage] url` → the backend: `postgres://…` is PostgreSQL, `sqlite://…` or a path
//! SQLite. `migrate` and the exports run on either; the commands that still need the
//! SQLite store (serve, console, outbox, salon, backup) refuse PostgreSQL with one line
//! saying so instead of treating the URL as a file name.

use anyhow::{bail, Context, Result};
use yunqi_bot::i18n::Locale;
use yunqi_storage::{Backend, ExportRow, FeedbackExportRow, JobExportRow, PgStore, SqliteStore};

pub enum Db {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Db {
    /// Opens the database `url` names and applies its backend's migrations.
    pub async fn open(url: &str) -> Result<Db> {
        Ok(match Backend::of(url) {
            Backend::Sqlite => Db::Sqlite(
                SqliteStore::open(url)
                    .await
                    .with_context(|| format!("opening database {url}"))?,
            ),
            // The URL may carry a password: not repeated in the error.
            Backend::Postgres => Db::Postgres(
                PgStore::open(url)
                    .await
                    .context("opening the PostgreSQL database")?,
            ),
        })
    }

    pub async fn export_salon(&self, id: i64) -> Result<Vec<ExportRow>> {
        Ok(match self {
            Db::Sqlite(s) => s.export_salon(id).await?,
            Db::Postgres(s) => s.export_salon(id).await?,
        })
    }

    pub async fn export_feedback(&self, salon: i64) -> Result<Vec<FeedbackExportRow>> {
        Ok(match self {
            Db::Sqlite(s) => s.export_feedback(salon).await?,
            Db::Postgres(s) => s.export_feedback(salon).await?,
        })
    }

    pub async fn export_jobs(&self) -> Result<Vec<JobExportRow>> {
        Ok(match self {
            Db::Sqlite(s) => s.export_jobs().await?,
            Db::Postgres(s) => s.export_jobs().await?,
        })
    }

    pub async fn export_spec(&self, id: i64, l: Locale) -> Result<Option<String>> {
        Ok(match self {
            Db::Sqlite(s) => s.export_spec(id, l).await?,
            Db::Postgres(s) => s.export_spec(id, l).await?,
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => s.close().await,
            Db::Postgres(s) => s.close().await,
        }
    }
}

/// Refuses a PostgreSQL URL for a command that needs the SQLite store.
pub fn sqlite_only(url: &str, command: &str) -> Result<()> {
    if Backend::of(url) == Backend::Postgres {
        bail!(
            "`yunqi {command}` needs SQLite for now: on PostgreSQL only `yunqi migrate`, `yunqi export` and \
             `yunqi copy` run yet (see README, \"Running on PostgreSQL\")"
        );
    }
    Ok(())
}

/// `yunqi copy`: every table of an existing SQLite database into a new PostgreSQL one
/// (ids kept, sequences moved past them); prints the rows copied per table.
pub async fn copy(from: &str, to: &str) -> Result<()> {
    if Backend::of(from) != Backend::Sqlite || Backend::of(to) != Backend::Postgres {
        bail!("yunqi copy goes from SQLite (--from sqlite://… or a path) to PostgreSQL (--to postgres://…)");
    }
    // Opening a missing file would create an empty database and copy nothing.
    let path = from.strip_prefix("sqlite://").unwrap_or(from);
    let path = path.split('?').next().unwrap_or(path);
    if !std::path::Path::new(path).is_file() {
        bail!("no SQLite database at {path}");
    }
    let src = SqliteStore::open(from)
        .await
        .with_context(|| format!("opening database {from}"))?;
    let dst = PgStore::open(to)
        .await
        .context("opening the PostgreSQL database")?;
    let copied = yunqi_storage::copy::copy(&src, &dst).await?;
    for (table, rows) in &copied {
        println!("{table}\t{rows}");
    }
    src.close().await;
    dst.close().await;
    Ok(())
}
