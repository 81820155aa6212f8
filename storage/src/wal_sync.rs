//! The writer's commits made durable off its path. The writer's connection commits with
//! `synchronous = NORMAL`: SQLite writes the transaction's WAL frames but does not sync
//! them. This thread then syncs the WAL (`fdatasync`), and an answer waits for the sync
//! that covers its commit. So the writer handles the next group while the disk flushes
//! the last one, and one sync covers every commit before it.
//!
//! Nothing is acknowledged earlier than with `synchronous = FULL`: FULL syncs the same
//! file at the end of the same COMMIT, before it returns. What differs is who waits: with
//! FULL the writer waits; here only the group's answers do. Another connection's read can
//! see a commit before its sync; after a power loss (not a crash: the frames are in the
//! operating system's cache) it may then be gone, as if never answered. The outbox lanes
//! claim a row before sending it, and a claim's commit waits for its own sync (which
//! covers every commit before it), so no message goes out for a commit that is not on
//! disk. The lanes' writes run on the writer's connection too (`store::LaneTx`): they
//! wait for their sync after the write gate, not inside it.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use tokio::sync::watch;
use yunqi_bot::ports::{Durable, StoreError};

/// Syncs of the last this many failures are remembered for the answers still waiting.
const FAILURES_KEPT: usize = 64;

/// A handle on the store's sync thread; the thread ends, after a last sync, when the last
/// handle is dropped.
#[derive(Clone)]
pub(crate) struct WalSync(Arc<Handle>);

struct Handle(Arc<Shared>);

struct Shared {
    wal: PathBuf,
    dir: PathBuf,
    state: Mutex<State>,
    wake: Condvar,
    synced: watch::Sender<Synced>,
    /// Runs before each sync; an error stands for the sync's (tests: hold, fail, panic).
    hook: Mutex<Option<SyncHook>>,
}

/// Test hook run by the sync thread before each sync (`SqliteStore::set_sync_hook`).
pub type SyncHook = Arc<dyn Fn() -> io::Result<()> + Send + Sync>;

#[derive(Default)]
struct State {
    /// Commits made so far on relaxed connections, numbered from 1.
    committed: u64,
    stop: bool,
}

#[derive(Default)]
struct Synced {
    /// Every commit up to this one is synced, or failed to sync.
    upto: u64,
    /// Commits `(after, upto]` whose sync failed, with the error.
    failed: Vec<(u64, u64, Arc<str>)>,
}

impl WalSync {
    /// For the database file `db` (its WAL is `db` + `-wal`).
    pub(crate) fn start(db: &Path) -> io::Result<WalSync> {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let dir = match db.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let shared = Arc::new(Shared {
            wal: PathBuf::from(wal),
            dir,
            state: Mutex::default(),
            wake: Condvar::new(),
            synced: watch::Sender::new(Synced::default()),
            hook: Mutex::default(),
        });
        let thread = shared.clone();
        std::thread::Builder::new()
            .name("yunqi-wal-sync".into())
            .spawn(move || {
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| thread.run()));
                if run.is_err() {
                    // Nothing syncs any more: every commit, now and later, fails instead of
                    // waiting for ever.
                    thread.synced.send_modify(|s| {
                        s.failed
                            .push((s.upto, u64::MAX, "the WAL sync thread panicked".into()));
                        s.upto = u64::MAX;
                    });
                }
            })?;
        Ok(WalSync(Arc::new(Handle(shared))))
    }

    /// Called right after a COMMIT on a relaxed connection returned: resolves once that
    /// commit is on disk.
    pub(crate) fn committed(&self) -> Durable {
        let shared = &self.0 .0;
        let seq = {
            let mut s = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            s.committed += 1;
            s.committed
        };
        shared.wake.notify_one();
        let mut rx = shared.synced.subscribe();
        Box::pin(async move {
            let synced = rx
                .wait_for(|s| s.upto >= seq)
                .await
                .map_err(|_| sync_error("the WAL sync thread stopped"))?;
            match synced
                .failed
                .iter()
                .find(|(after, upto, _)| *after < seq && seq <= *upto)
            {
                Some((_, _, e)) => Err(sync_error(&format!("syncing the WAL: {e}"))),
                None => Ok(()),
            }
        })
    }

    pub(crate) fn set_hook(&self, hook: Option<SyncHook>) {
        *self.0 .0.hook.lock().unwrap_or_else(|e| e.into_inner()) = hook;
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let mut s = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        s.stop = true;
        drop(s);
        self.0.wake.notify_one();
    }
}

fn sync_error(e: &str) -> StoreError {
    StoreError::Backend(e.to_string().into())
}

impl Shared {
    fn run(&self) {
        let mut done = 0;
        // The WAL file last synced: a new one also needs its directory entry synced.
        let mut file_id = None;
        loop {
            let target = {
                let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
                while s.committed == done && !s.stop {
                    s = self.wake.wait(s).unwrap_or_else(|e| e.into_inner());
                }
                if s.committed == done {
                    return;
                }
                s.committed
            };
            let result = self.sync(&mut file_id);
            if let Err(e) = &result {
                tracing::error!(error = %e, "syncing the WAL failed; the commits it covers are not acknowledged");
            }
            self.synced.send_modify(|s| {
                if let Err(e) = &result {
                    if s.failed.len() == FAILURES_KEPT {
                        s.failed.remove(0);
                    }
                    s.failed.push((done, target, e.to_string().into()));
                }
                s.upto = target;
            });
            done = target;
        }
    }

    fn sync(&self, file_id: &mut Option<(u64, u64)>) -> io::Result<()> {
        let hook = self.hook.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(hook) = hook {
            hook()?;
        }
        let wal = match File::open(&self.wal) {
            Ok(f) => f,
            // Removed only by the last connection's close, after a whole checkpoint that
            // synced the database file: the commits are there.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        wal.sync_data()?;
        let meta = wal.metadata()?;
        let id = Some((meta.dev(), meta.ino()));
        if *file_id != id {
            File::open(&self.dir)?.sync_all()?;
            *file_id = id;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;
    use futures::FutureExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;
    use yunqi_bot::ports::{MetaTx, Store, Tx};

    /// A store on a fresh file, whose writer syncs off its path.
    async fn opened() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("y.db").to_str().unwrap())
            .await
            .unwrap();
        (dir, store)
    }

    fn set_hook(store: &SqliteStore, hook: Option<SyncHook>) {
        assert!(
            store.set_sync_hook(hook),
            "a file store syncs off the writer's path"
        );
    }

    async fn write(store: &SqliteStore, key: &str) -> Durable {
        let mut tx = store.begin().await.unwrap();
        tx.meta_put(key, "1").await.unwrap();
        tx.commit_unsynced().await.unwrap()
    }

    async fn synchronous_of_pooled(store: &SqliteStore) -> Vec<i64> {
        let mut conns = Vec::new();
        for _ in 0..store.pool.options().get_max_connections() - 1 {
            conns.push(store.pool.acquire().await.unwrap());
        }
        let mut modes = Vec::new();
        for c in &mut conns {
            modes.push(
                sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut **c)
                    .await
                    .unwrap(),
            );
        }
        modes
    }

    #[tokio::test]
    async fn a_commit_is_acknowledged_only_once_its_sync_returns() {
        let (_dir, store) = opened().await;
        let (entered_tx, entered) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let released = Mutex::new(released);
        set_hook(
            &store,
            Some(Arc::new(move || {
                entered_tx.send(()).unwrap();
                released.lock().unwrap().recv().unwrap();
                Ok(())
            })),
        );
        let mut durable = write(&store, "k").await;
        entered
            .recv_timeout(Duration::from_secs(10))
            .expect("the sync thread began a sync");
        // Visible to the others already, not yet acknowledged.
        let seen: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'k'")
            .fetch_optional(&store.pool)
            .await
            .unwrap();
        assert_eq!(seen.as_deref(), Some("1"));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            (&mut durable).now_or_never().is_none(),
            "answered before its sync"
        );
        // A second commit while the first sync runs is covered by the next sync.
        let second = write(&store, "k2").await;
        release.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), durable)
            .await
            .unwrap()
            .unwrap();
        entered
            .recv_timeout(Duration::from_secs(10))
            .expect("a second sync");
        release.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), second)
            .await
            .unwrap()
            .unwrap();
        set_hook(&store, None);
        store.close().await;
    }

    #[tokio::test]
    async fn a_failed_sync_fails_the_commits_it_covered_and_only_those() {
        let (_dir, store) = opened().await;
        let fail = AtomicUsize::new(1);
        set_hook(
            &store,
            Some(Arc::new(move || {
                if fail.fetch_sub(1, Ordering::SeqCst) == 1 {
                    Err(io::Error::other("injected EIO"))
                } else {
                    Ok(())
                }
            })),
        );
        let failed = tokio::time::timeout(Duration::from_secs(10), write(&store, "a").await)
            .await
            .unwrap();
        let e = failed.expect_err("its sync failed");
        assert!(e.to_string().contains("injected EIO"), "{e}");
        let next = tokio::time::timeout(Duration::from_secs(10), write(&store, "b").await)
            .await
            .unwrap();
        next.expect("a later sync that succeeds acknowledges its commits");
        // `commit` waits for the sync itself.
        let mut tx = store.begin().await.unwrap();
        tx.meta_put("c", "1").await.unwrap();
        tx.commit().await.unwrap();
        set_hook(&store, None);
        store.close().await;
    }

    #[tokio::test]
    async fn a_sync_thread_that_died_fails_every_commit_instead_of_hanging_it() {
        let (_dir, store) = opened().await;
        set_hook(&store, Some(Arc::new(|| panic!("injected panic"))));
        for key in ["a", "b"] {
            let synced = tokio::time::timeout(Duration::from_secs(10), write(&store, key).await)
                .await
                .expect("answered, not left waiting");
            let e = synced.expect_err("nothing syncs any more");
            assert!(e.to_string().contains("panicked"), "{e}");
        }
        store.close().await;
    }

    #[tokio::test]
    async fn a_relaxed_connection_never_goes_back_to_the_pool() {
        let (_dir, store) = opened().await;
        // Committed: the writer's connection is kept, relaxed (NORMAL = 1).
        write(&store, "a").await.await.unwrap();
        let mut kept = store.kept.take().expect("kept after COMMIT");
        let mode: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *kept)
            .await
            .unwrap();
        assert_eq!(mode, 1);
        store.kept.put(kept);
        // Dropped mid-transaction: closed, not pooled.
        let mut tx = store.begin().await.unwrap();
        tx.meta_put("b", "1").await.unwrap();
        drop(tx);
        assert!(!store.kept.holds_one());
        assert!(
            synchronous_of_pooled(&store).await.iter().all(|m| *m == 2),
            "every pooled connection syncs its commits (FULL = 2)"
        );
        // The next transaction relaxes a pooled connection again and keeps it.
        write(&store, "c").await.await.unwrap();
        assert!(store.kept.holds_one());
        assert!(synchronous_of_pooled(&store).await.iter().all(|m| *m == 2));
        store.close().await;
    }
}
