//! `backup_to` while registrations keep arriving: the copy is consistent, holds everything
//! acknowledged before the backup started, is owner-only and never overwrites a file.

use crate::on_sqlite::common::*;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yunqi_storage::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_registration_burst_holds_every_acknowledged_registration() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let h = harness!(Harness::new(vec![salon(100_000, 0)]));
        let acked = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        // Registrations keep being written, one acknowledged after the other.
        let writer = {
            let (core, acked, stop) = (h.core.clone(), acked.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    core.submit(registration(i)).await.unwrap();
                    i += 1;
                    acked.store(i, Ordering::SeqCst);
                }
            })
        };
        while acked.load(Ordering::SeqCst) < 200 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let before = acked.load(Ordering::SeqCst);
        let copy = h.path.with_file_name("backup.db");
        let bytes = h.store.backup_to(&copy).await.unwrap();
        let during = acked.load(Ordering::SeqCst);
        stop.store(true, Ordering::SeqCst);
        writer.await.unwrap();
        assert!(bytes > 0);
        assert!(
            during > before,
            "writes went on while the backup ran ({before} → {during})"
        );

        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the copy holds phone numbers");

        // Restore: the copy opens like any database (quick_check runs at open).
        let restored = SqliteStore::open(copy.to_str().unwrap()).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(restored.pool())
            .await
            .unwrap();
        assert_eq!(check, "ok");
        let users: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM registrations WHERE salon_id = 1")
                .fetch_all(restored.pool())
                .await
                .unwrap();
        assert!(users.len() >= before, "{} < {before}", users.len());
        for i in 0..before {
            let u = format!("user{i:05}");
            assert!(users.contains(&u), "{u} was acknowledged before the backup");
        }
        // Consistent: every registration in the copy has its seat counter and outbox row
        // (the organizer's notice) from the same transaction.
        let notices: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE platform = 'console' AND recipient = 'admin'",
        )
        .fetch_one(restored.pool())
        .await
        .unwrap();
        assert_eq!(notices as usize, users.len(), "one notice per registration");
        restored.close().await;
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn a_backup_never_overwrites_an_existing_file() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    let copy = h.path.with_file_name("old-backup.db");
    std::fs::write(&copy, b"yesterday's backup").unwrap();
    let err = h.store.backup_to(&copy).await.unwrap_err().to_string();
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read(&copy).unwrap(), b"yesterday's backup");
}
