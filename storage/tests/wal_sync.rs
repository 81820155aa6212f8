//! The writer's commits are synced off its path (`storage/src/wal_sync.rs`): an answer
//! waits for the sync that covers its commit, and a sync that fails is not acknowledged.

use crate::on_sqlite::common::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::ManualClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::Engine;
use yunqi_storage::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_whose_sync_fails_is_answered_as_failed_and_the_next_one_is_not() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let (_dir, store, core) = started().await;
        core.submit(registration(1)).await.expect("a normal write");

        let fail = AtomicUsize::new(1);
        let failing = store.set_sync_hook(Some(Arc::new(move || {
            match fail.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
                Ok(_) => Err(std::io::Error::other("injected sync failure")),
                Err(_) => Ok(()),
            }
        })));
        assert!(failing, "a file store syncs off the writer's path");
        let e = core
            .submit(registration(2))
            .await
            .expect_err("its sync failed: not acknowledged");
        assert!(e.to_string().contains("injected sync failure"), "{e}");
        assert!(
            core.health().is_failing(),
            "/healthz reports the failed sync"
        );

        // The next commit syncs again: acknowledged, and health is back.
        core.submit(registration(3)).await.expect("the next write");
        assert!(!core.health().is_failing());
        let registered: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM registrations ORDER BY id")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert!(registered.contains(&"user00001".to_string()));
        assert!(registered.contains(&"user00003".to_string()));
        store.close().await;
    })
    .await
    .expect("bounded");
}

/// A file database with one 20-seat salon and the core running on it.
async fn started() -> (tempfile::TempDir, Arc<SqliteStore>, Core<SqliteStore>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yunqi.db");
    let store = Arc::new(SqliteStore::open(path.to_str().unwrap()).await.unwrap());
    let clock = Arc::new(ManualClock::new(t0()));
    let (core, _writer) = Core::start(store.clone(), Engine::new(engine_config()), clock);
    core.seed(vec![salon(20, 0)]).await.unwrap();
    (dir, store, core)
}

/// Polls until `n` registrations are visible to a pooled connection (the test's bound
/// stops it otherwise).
async fn registrations_reach(store: &SqliteStore, n: i64) {
    loop {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations")
            .fetch_one(store.pool())
            .await
            .unwrap();
        if count >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_waits_for_the_sync_while_the_writer_goes_on() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let (_dir, store, core) = started().await;

        let paused = Arc::new(AtomicBool::new(true));
        let hold = paused.clone();
        assert!(store.set_sync_hook(Some(Arc::new(move || {
            while hold.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(())
        }))));
        let first = tokio::spawn({
            let core = core.clone();
            async move { core.submit(registration(1)).await }
        });
        // Committed (another connection sees it) but not answered: its sync waits.
        registrations_reach(&store, 1).await;
        // The writer is not held by it: a second event commits too.
        let second = tokio::spawn({
            let core = core.clone();
            async move { core.submit(registration(2)).await }
        });
        registrations_reach(&store, 2).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!first.is_finished(), "answered before its sync");
        assert!(!second.is_finished(), "answered before its sync");

        paused.store(false, Ordering::SeqCst);
        first.await.unwrap().expect("acknowledged once synced");
        second.await.unwrap().expect("acknowledged once synced");
        store.close().await;
    })
    .await
    .expect("bounded");
}
