//! WAL checkpoints off the writer's path (SQLite only).
//!
//! SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000
//! pages: that commit also copies the WAL into the database file and flushes it. Under
//! `yunqi-load` one commit in 14 took 8–12 ms instead of 1.6, and the requests of that
//! group and the next waited for it (ARCHITECTURE.md, "Where the time goes"). So every
//! connection has `wal_autocheckpoint = 0`, and this task checkpoints from its own pooled
//! connection (its own sqlx worker thread) when the WAL has changed, at most every
//! `EVERY`. A PASSIVE checkpoint never waits for the writer and the writer never waits for
//! it; durability is the commit's flush of the WAL, as before.

use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often the WAL is looked at (one `stat`) and, if it changed, checkpointed. At
/// 4,000 registrations a second that is ≈ 160 commits per checkpoint. A checkpoint copies
/// each page once however often the commits since the last one rewrote it (the salon's
/// row, the indexes' inner pages), and its `fsync` of the database file shares the disk
/// with the WAL's syncs that answers wait for: every 200 ms, `yunqi-load`'s p99 was 24.5–
/// 32.0 ms against 20.9–25.8 every second (six pairs, ARCHITECTURE.md).
pub(crate) const EVERY: Duration = Duration::from_secs(1);

/// The WAL's size and modification time: a commit changes them, a checkpoint does not.
fn wal_state(wal: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(wal).ok()?;
    Some((m.len(), m.modified().ok()?))
}

fn busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(crate::error::sqlite_primary)
        .is_some_and(|c| c == crate::error::SQLITE_BUSY)
}

/// Runs until the pool is closed.
pub(crate) fn spawn(pool: SqlitePool, db: PathBuf) {
    let mut wal = db.into_os_string();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    tokio::spawn(async move {
        let mut done = None;
        loop {
            tokio::time::sleep(EVERY).await;
            if pool.is_closed() {
                break;
            }
            // Read before the checkpoint: a commit during it is seen next time.
            let now = wal_state(&wal);
            if now.is_none() || now == done {
                continue;
            }
            let result = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await;
            match result {
                Ok(_) => done = now,
                Err(_) if pool.is_closed() => break,
                // Another process's checkpoint is running (`yunqi backup`, a CLI command).
                Err(e) if busy(&e) => tracing::debug!("WAL checkpoint busy; retrying"),
                Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; retrying"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::SqliteStore;
    use std::time::{Duration, Instant};
    use yunqi_bot::ports::Kv;

    #[tokio::test]
    async fn commits_leave_checkpoints_to_the_background_task() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
        let auto: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(auto, 0, "no commit checkpoints by itself");
        let before = std::fs::metadata(&db).unwrap().len();
        // ≈ 2 MB in the WAL: without a checkpoint none of it reaches the main file.
        let value = "x".repeat(1000);
        for i in 0..2000 {
            store.kv_put(&format!("k{i}"), &value).await.unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut size = before;
        while size < before + 1_000_000 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            size = std::fs::metadata(&db).unwrap().len();
        }
        assert!(
            size >= before + 1_000_000,
            "the checkpointer copied the WAL into the database ({before} → {size} bytes)"
        );
        store.close().await;
    }
}
