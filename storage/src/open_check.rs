//! The damage check at open (`PRAGMA quick_check`), and when it may be skipped.
//!
//! quick_check reads every page: about a second for the 33 MB of 100,000 members on the
//! project's machine, which is most of `yunqi serve`'s start (issue 15 asks for 100 ms).
//! So a clean close leaves a stamp beside the file, `<db>-clean`: the file's device,
//! inode, size and modification time once the last connection had checkpointed and
//! removed the WAL. The next open skips the check only if the file is exactly that (and
//! has no WAL); it removes the stamp before anything writes. A crash, a kill, another
//! process still holding the file, a restored or copied-in file, or any write by another
//! tool leaves no stamp or a stale one, and the check runs.

use crate::rows::corrupt;
use sqlx::SqlitePool;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use yunqi_bot::ports::StoreResult;

fn stamp_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-clean");
    PathBuf::from(name)
}

/// What identifies the file's exact state, if it exists.
fn stamp_of(db: &Path) -> Option<String> {
    let m = std::fs::metadata(db).ok()?;
    Some(format!(
        "{} {} {} {}.{:09}",
        m.dev(),
        m.ino(),
        m.len(),
        m.mtime(),
        m.mtime_nsec()
    ))
}

/// No WAL, or an empty one: nothing committed waits outside the main file.
fn no_wal(db: &Path) -> bool {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).map_or(true, |m| m.len() == 0)
}

/// Whether the last clean close left the file as it is now. The stamp is used up either
/// way: once this process writes, it no longer describes the file.
pub(crate) fn closed_cleanly(db: &Path) -> bool {
    let stamp = stamp_file(db);
    let recorded = std::fs::read_to_string(&stamp).ok();
    if recorded.is_some() {
        let _ = std::fs::remove_file(&stamp);
    }
    recorded.is_some() && no_wal(db) && recorded == stamp_of(db)
}

/// After the pool closed: stamps the file if this process was the last one on it.
/// Connections closing on several threads at once can each see another still open, and
/// then none checkpoints and removes the WAL (seen under load: the WAL stayed for good).
/// So, the pool empty, one connection is opened and closed alone: that close removes the
/// WAL unless another process has the file. A failure only costs the next open its check.
pub(crate) async fn stamp_clean_close(pool: &SqlitePool) {
    use sqlx::{ConnectOptions, Connection};
    let db = pool.connect_options().get_filename().to_path_buf();
    if db.as_os_str().is_empty() || db.to_string_lossy().contains(":memory:") {
        return;
    }
    if !no_wal(&db) {
        match pool.connect_options().connect().await {
            Ok(conn) => {
                let _ = conn.close().await;
            }
            Err(e) => tracing::debug!(error = %e, "no last connection to checkpoint with"),
        }
    }
    if !no_wal(&db) {
        return;
    }
    if let Some(s) = stamp_of(&db) {
        if let Err(e) = std::fs::write(stamp_file(&db), s) {
            tracing::debug!(error = %e, "no clean-close stamp; the next open checks the file");
        }
    }
}

/// Refuses a damaged file before anything reads or migrates it.
pub(crate) async fn quick_check(pool: &SqlitePool, file: &Path) -> StoreResult<()> {
    let found: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA quick_check(5)")
        .fetch_all(pool)
        .await;
    let problems = match found {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => return Ok(()),
        Ok(rows) => rows.join("; "),
        Err(e) => e.to_string(),
    };
    Err(corrupt(format!(
        "database {} is corrupt (PRAGMA quick_check): {problems}; restore it from a backup",
        file.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    #[tokio::test]
    async fn a_clean_close_lets_the_next_open_skip_the_check_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
        store.close().await;
        assert!(stamp_file(&db).exists(), "a clean close leaves a stamp");
        assert!(closed_cleanly(&db));
        // Used up: a crash from here on leaves nothing to trust.
        assert!(!stamp_file(&db).exists());
        assert!(!closed_cleanly(&db));
    }

    #[tokio::test]
    async fn a_file_changed_since_the_clean_close_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
        store.close().await;
        // Another writer (or a copy put in its place) changes size or mtime.
        let mut bytes = std::fs::read(&db).unwrap();
        bytes.extend_from_slice(&[0u8; 4096]);
        std::fs::write(&db, &bytes).unwrap();
        assert!(!closed_cleanly(&db));
    }

    #[tokio::test]
    async fn a_process_still_on_the_file_leaves_no_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let url = db.to_str().unwrap();
        let first = SqliteStore::open(url).await.unwrap();
        let second = SqliteStore::open(url).await.unwrap();
        second.close().await;
        assert!(!closed_cleanly(&db), "the WAL is still there: no stamp");
        first.close().await;
        assert!(closed_cleanly(&db));
    }
}
