//! Opening the database file: owner-only permissions, and a corrupt file refused with a
//! message naming it.

use std::os::unix::fs::PermissionsExt;
use yunqi_storage::SqliteStore;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_and_its_wal_and_shm_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yunqi.db");
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    use yunqi_bot::ports::Kv;
    store.kv_put("k", "v").await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let f = dir.path().join(format!("yunqi.db{suffix}"));
        assert!(f.exists(), "{} exists", f.display());
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    store.close().await;
}

#[tokio::test]
async fn a_corrupt_database_is_refused_with_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    let store = SqliteStore::open(good.to_str().unwrap()).await.unwrap();
    // Everything into the main file, so a copy of it is the whole database.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let bad = dir.path().join("bad.db");
    std::fs::copy(&good, &bad).unwrap();
    // Garbage over every page but the first (the header and schema root stay readable).
    let mut bytes = std::fs::read(&bad).unwrap();
    assert!(bytes.len() > 8192, "{} bytes", bytes.len());
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&bad, &bytes).unwrap();

    let err = match SqliteStore::open(bad.to_str().unwrap()).await {
        Ok(_) => panic!("a corrupt database was opened"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("bad.db"), "{err}");
    assert!(
        err.contains("corrupt") || err.contains("malformed"),
        "{err}"
    );
}
