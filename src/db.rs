//! `[storage] url` → the backend: `postgres://…` is PostgreSQL, `sqlite://…` or a path
//! SQLite. Every command runs on either (`main.rs` picks the store type once) except
//! `backup`, which copies a SQLite file, and `copy`, which goes from one to the other.

use anyhow::{bail, Context, Result};
use yunqi_storage::{AppStore, Backend, PgStore, SqliteStore};

/// Opens the database `url` names as backend `S` and applies that backend's migrations.
pub async fn open<S: AppStore>(url: &str) -> Result<S> {
    let backend = Backend::of(url);
    if backend != S::BACKEND {
        bail!(
            "[storage] url names {backend:?}, but this store is {:?}",
            S::BACKEND
        );
    }
    S::open(url).await.with_context(|| match backend {
        Backend::Sqlite => format!("opening database {url}"),
        // The URL may carry a password: not repeated in the error.
        Backend::Postgres => "opening the PostgreSQL database".to_string(),
    })
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
