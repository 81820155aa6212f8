//! Operator commands beside a running server: `yunqi backup`.

use crate::settings::Settings;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use yunqi_storage::SqliteStore;

/// The database file of `[storage] url`, or `None` for an in-memory database.
pub fn db_file(url: &str) -> Option<PathBuf> {
    crate::serve_lock::lock_path(url).map(|lock| {
        let s = lock.to_string_lossy();
        PathBuf::from(s.strip_suffix(".serve.lock").unwrap_or(&s))
    })
}

/// `yunqi backup <file>`: online (no lock taken; `VACUUM INTO` reads one snapshot while
/// the server keeps writing), checked, owner-only, never over an existing file.
pub async fn backup(settings: &Settings, to: &Path) -> Result<()> {
    let Some(db) = db_file(&settings.storage.url) else {
        bail!("an in-memory database cannot be backed up");
    };
    if !db.exists() {
        bail!("no database at {}", db.display());
    }
    if to.exists() {
        bail!(
            "{} already exists: choose a new file (a backup never overwrites one)",
            to.display()
        );
    }
    let store = SqliteStore::open(&settings.storage.url)
        .await
        .with_context(|| format!("opening database {}", db.display()))?;
    let written = store.backup_to(to).await;
    store.close().await;
    let bytes = written.with_context(|| format!("backing up to {}", to.display()))?;
    println!(
        "backup of {} written to {} ({bytes} bytes, quick_check ok)",
        db.display(),
        to.display()
    );
    Ok(())
}
