//! WAL checkpoints off the writer's path (SQLite only).
//!
//! SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000
//! pages: that commit also copies the WAL into the database file and flushes it. Under
//! `yunqi-load` one commit in 14 took 8–12 ms instead of 1.6, and the requests of that
//! group and the next waited for it (ARCHITECTURE.md, "Where the time goes"). So every
//! connection has `wal_autocheckpoint = 0`, and this task checkpoints from its own pooled
//! connection (its own sqlx worker thread) when the WAL has changed, at most every
//! `EVERY`. A PASSIVE checkpoint never waits for the writer and the writer never waits for
//! it; durability is the commit's flush of the WAL, as before. Only to start a large WAL
//! over does the last pass hold the writer, briefly (`restart`).

use crate::gate::WriteGate;
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

/// `PRAGMA wal_checkpoint(PASSIVE)`: the frames the WAL held when it began.
async fn passive<'e>(db: impl sqlx::SqliteExecutor<'e>) -> Result<i64, sqlx::Error> {
    let (_busy, frames, _copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(db)
            .await?;
    Ok(frames)
}

/// A WAL holding this many frames (256 MiB of 4 KiB pages) is started over. A PASSIVE
/// checkpoint copies the frames committed before it began; under steady writes more are
/// committed meanwhile, so SQLite never finds the whole WAL copied, which is when its next
/// writer starts it again from the beginning. The file then grew without end (≈ 100 MB a
/// second under `yunqi-load`), and each append to new blocks cost ext4 block allocation and
/// zeroing on the writer's thread. Starting over holds the writer (`restart`): 2–16 ms
/// at 64 MiB, which came every second under `yunqi-load` and raised its p99; 28 ms at
/// 256 MiB, every few seconds. Tests use a small WAL.
const RESTART_FRAMES: i64 = if cfg!(test) { 64 } else { 65_536 };

/// Runs until the pool is closed. `gate` is the store's: the writers this process has.
pub(crate) fn spawn(pool: SqlitePool, db: PathBuf, gate: WriteGate) {
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
            let start = std::time::Instant::now();
            let result = match passive(&pool).await {
                Ok(frames) if frames >= RESTART_FRAMES => restart(&pool, &gate, frames).await,
                other => other.map(|frames| {
                    let took_us = start.elapsed().as_micros() as u64;
                    tracing::debug!(frames, took_us, "WAL checkpoint");
                }),
            };
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

/// Copies what was committed during the last pass without holding anyone, then the last
/// commits' frames with this store's writers held at the gate (a copy and the database
/// file's sync: what came in during the first copy, so it grows with the WAL). Then the
/// whole WAL is in the database file and the writer's next commit starts it over.
/// Readers still on old frames (another process's) make SQLite keep appending; the next
/// pass tries again. The connection is taken before the gate, so the writer never waits
/// for the pool.
async fn restart(pool: &SqlitePool, gate: &WriteGate, frames: i64) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    passive(&mut *conn).await?;
    let start = std::time::Instant::now();
    let pass = gate.enter().await;
    let entered = start.elapsed();
    let result = passive(&mut *conn).await;
    drop(pass);
    tracing::debug!(
        frames,
        waited_us = entered.as_micros() as u64,
        held_us = (start.elapsed() - entered).as_micros() as u64,
        "WAL copied whole with the writer held: it starts over"
    );
    result.map(drop)
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

    /// The WAL header's salts: SQLite changes them when it starts the WAL over.
    fn salts(wal: &std::path::Path) -> Option<[u8; 8]> {
        let bytes = std::fs::read(wal).ok()?;
        bytes.get(16..24)?.try_into().ok()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wal_under_steady_writes_starts_over_instead_of_growing() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        use yunqi_bot::ports::{MetaTx, Store, Tx};
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("y.db");
        let wal = dir.path().join("y.db-wal");
        let store = SqliteStore::open(db.to_str().unwrap()).await.unwrap();
        // Writers that leave no pause long enough for a checkpoint to copy the whole WAL.
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (store, stop) = (store.clone(), stop.clone());
            writers.push(tokio::spawn(async move {
                let value = "x".repeat(3000);
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let mut tx = store.begin().await.unwrap();
                    tx.meta_put(&format!("w{w}-{i}"), &value).await.unwrap();
                    tx.commit().await.unwrap();
                    i += 1;
                }
                i
            }));
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut first = None;
        let mut restarted = false;
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
            match (first, salts(&wal)) {
                (None, Some(s)) => first = Some(s),
                (Some(f), Some(s)) if s != f => {
                    restarted = true;
                    break;
                }
                _ => {}
            }
        }
        stop.store(true, Ordering::Relaxed);
        let mut commits = 0;
        for w in writers {
            commits += w.await.unwrap();
        }
        assert!(commits > 100, "the writers kept committing ({commits})");
        assert!(
            restarted,
            "the WAL started over while {commits} commits went on"
        );
        // Nothing written before the restart is lost.
        let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM meta WHERE key LIKE 'w%'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(keys, commits as i64);
        store.close().await;
    }
}
