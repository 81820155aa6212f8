//! A full disk: writes fail while it is full and resume by themselves when space returns,
//! without losing anything that was acknowledged.

use crate::on_sqlite::common::*;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::ManualClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::Engine;
use yunqi_storage::{PageLimit, SqliteStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_resume_by_themselves_after_the_disk_was_full() {
    tokio::time::timeout(Duration::from_secs(90), async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yunqi.db");
        let limit = PageLimit::new(1 << 30);
        let store = Arc::new(
            SqliteStore::open_limited(path.to_str().unwrap(), limit.clone())
                .await
                .unwrap(),
        );
        let clock = Arc::new(ManualClock::new(t0()));
        let (core, _writer) = Core::start(store.clone(), Engine::new(engine_config()), clock);
        core.seed(vec![salon(100_000, 0)]).await.unwrap();
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(store.pool())
            .await
            .unwrap();
        // The disk fills up: a few pages more than the file has now.
        limit.set(pages as u64 + 3);

        let mut acknowledged = Vec::new();
        let mut failures = 0;
        let mut i = 0;
        while failures < 5 {
            i += 1;
            assert!(i < 5_000, "the limit never made a write fail");
            match core.submit(registration(i)).await {
                Ok(_) => acknowledged.push(i),
                Err(e) => {
                    assert!(e.to_string().contains("full"), "{e}");
                    failures += 1;
                }
            }
        }
        assert!(
            !acknowledged.is_empty(),
            "some writes succeeded before the disk was full"
        );

        // Space returns: the very next writes succeed, no restart.
        limit.set(1 << 30);
        for _ in 0..20 {
            i += 1;
            if let Err(e) = core.submit(registration(i)).await {
                panic!("write after space returned failed: {e}");
            }
            acknowledged.push(i);
        }
        let registered: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM registrations WHERE salon_id = 1")
                .fetch_all(store.pool())
                .await
                .unwrap();
        for i in &acknowledged {
            let user = format!("user{i:05}");
            assert!(
                registered.contains(&user),
                "{user} was acknowledged but lost"
            );
        }
    })
    .await
    .expect("bounded");
}
