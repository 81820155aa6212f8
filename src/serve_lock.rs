//! One `serve` per database: two would each run a dispatcher and deliver every message
//! twice. An OS lock on a file beside the database says who holds it; the kernel drops the
//! lock when the holder exits, even on `kill -9`, so a stale lock never blocks a restart.
//! `console`, `export` and `migrate` do not take it: they may run beside a server.

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

/// Held for as long as the server runs.
#[derive(Debug)]
pub struct ServeLock {
    _file: Option<File>,
}

/// The lock file for a storage URL (`sqlite://path`, a path), or `None` for an in-memory
/// database, which no other process can share.
pub fn lock_path(url: &str) -> Option<PathBuf> {
    // SQLite only: PostgreSQL replicas coordinate in the database, not through a file.
    if url.contains(":memory:")
        || yunqi_storage::Backend::of(url) == yunqi_storage::Backend::Postgres
    {
        return None;
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    Some(PathBuf::from(format!("{path}.serve.lock")))
}

/// Takes the lock, or says which process holds it.
pub fn acquire(url: &str) -> Result<ServeLock> {
    let Some(path) = lock_path(url) else {
        return Ok(ServeLock { _file: None });
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            bail!(
                "another `yunqi serve` is already using this database ({}: {}); \
                 stop it first — two servers would deliver every message twice \
                 (console, export and migrate may run beside it)",
                path.display(),
                if holder.is_empty() {
                    "holder unknown"
                } else {
                    holder
                }
            );
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", path.display()));
        }
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    write!(
        file,
        "pid {} since {}",
        std::process::id(),
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    )?;
    file.flush()?;
    Ok(ServeLock { _file: Some(file) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid_and_may_take_it_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("yunqi.db").display());
        let first = acquire(&url).unwrap();
        let err = acquire(&url).unwrap_err().to_string();
        assert!(err.contains("already using this database"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        assert!(acquire(&url).is_ok());
    }

    #[test]
    fn an_in_memory_database_needs_no_lock() {
        assert_eq!(lock_path("sqlite::memory:"), None);
        assert_eq!(lock_path("postgres://db.example/yunqi"), None);
        assert_eq!(
            lock_path("sqlite://data/yunqi.db"),
            Some(PathBuf::from("data/yunqi.db.serve.lock"))
        );
    }
}
