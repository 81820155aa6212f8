//! The write chain on one CPU (`storage/src/affinity.rs`): what `pin_writer` asks of the
//! store, carried out by `Core::start`'s writer thread and the connection it writes on.

use crate::on_sqlite::common::*;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::ManualClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::Engine;
use yunqi_storage::SqliteStore;

/// The CPUs a thread may run on, as its `/proc/…/status` lists them (`None`: it ended).
fn allowed(status: impl AsRef<std::path::Path>) -> Option<String> {
    std::fs::read_to_string(status)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .map(|l| l.trim().to_string())
}

/// This process's threads named `name` (a prefix) that may run on `cpu` alone.
fn threads_on(name: &str, cpu: usize) -> usize {
    let only = cpu.to_string();
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| {
            let task = task.ok()?.path();
            let comm = std::fs::read_to_string(task.join("comm")).ok()?;
            (comm.starts_with(name) && allowed(task.join("status"))? == only).then_some(())
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_store_s_writer_and_its_connection_run_on_one_cpu() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yunqi.db");
        let store = Arc::new(SqliteStore::open(path.to_str().unwrap()).await.unwrap());
        let before = allowed("/proc/thread-self/status").expect("Linux lists a thread's CPUs");
        let Some(cpu) = store.pin_writer() else {
            eprintln!("one CPU, or a CPU quota below the CPUs seen: nothing pinned; skipped");
            return;
        };
        assert_eq!(store.pin_writer(), None, "pinned once");
        // No other test pins: before this store's writer starts, none of its threads is.
        let (writers, workers) = (
            threads_on("yunqi-writer", cpu),
            threads_on("sqlx-sqlite", cpu),
        );
        let clock = Arc::new(ManualClock::new(t0()));
        let (core, _writer) = Core::start(store.clone(), Engine::new(engine_config()), clock);
        core.seed(vec![salon(20, 0)]).await.unwrap();
        core.submit(registration(1)).await.unwrap();
        assert_eq!(
            threads_on("yunqi-writer", cpu),
            writers + 1,
            "the writer's thread"
        );
        assert_eq!(
            threads_on("sqlx-sqlite", cpu),
            workers + 1,
            "the thread of the connection it writes on"
        );
        // The connection is kept: the next write pins nothing more.
        core.submit(registration(2)).await.unwrap();
        assert_eq!(threads_on("yunqi-writer", cpu), writers + 1);
        assert_eq!(threads_on("sqlx-sqlite", cpu), workers + 1);
        assert_eq!(
            allowed("/proc/thread-self/status"),
            Some(before),
            "only those two threads: not the test's"
        );
        drop(core);
        store.close().await;
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn nothing_is_pinned_in_memory() {
    let store = SqliteStore::open(":memory:").await.unwrap();
    assert_eq!(store.pin_writer(), None);
}
