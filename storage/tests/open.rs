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

/// SHA-384 (sqlx's migration checksum) of each SQLite migration as it was at
/// storage/migrations/ before the move to storage/migrations/sqlite.
const BEFORE_THE_MOVE: &[(&str, &str)] = &[
    ("20261126000001_init.sql", "d56df2159763f30ff3d0a353f70f529a65f073cafd3501d530437a9c8bc799f8f0e30c30baf0d8146a7baa5dc67e458e"),
    ("20261126000002_salon_groups.sql", "c67e9aa09442380f65c80c7d9ee96c007b1d6b29dd970a741f8ceb89f97894cd5937a56ce71cbffdae649882ff29256b"),
    ("20261126000003_jobs.sql", "57d7c7349428d3b310d716b8ee96e6a5d048a95db99f1cded4c4822bc9a0cb39a3a7d3b1210c5a3dfb5380c5951cbd5b"),
    ("20261126000004_threads.sql", "138ea64ace9e2dfcf8d9e27222fdb487472039e08383949832313957519a6ca7915acdff1e7d5b376eac2aebd6965115"),
    ("20261201140100_link_hardening.sql", "90f2997ad379b67b4c89ce6f1709132c4be2a5aff2be67bd68da6790b4106af59fd5ed9580edb020e78564165a6b599a"),
    ("20261201160000_outbox_pacing.sql", "f469e805f43638ef4c9655705baf167f30e321439c51c625fdf62b864bdd9b8842b04d06752cfb1924fb503faf711b9b"),
    ("20261202100000_salon_series.sql", "c72273ceea12185714c60878519c45109b2b7c4f690a375c56dd60515ed5d215a30bd0db0681ac7e8860fd2733081c13"),
    ("20261202110000_job_specs.sql", "6c21cff936044093a31275ce93c681a55657ea5a5f86f13eb35c964e90036a1f3b8d3daa0b607487c90352fdc3377fec"),
    ("20261202120000_web_console.sql", "b0f0c33f96b8baa394231596763cea1d2d8f51c9febd85efe1c97629629876f628bbd7e0e8718f73c51816d8f85bbff2"),
    ("20261202130000_outbox_failed.sql", "674abd3d00d681ff92b7868df88eaa567ce267975d0d5c78f739dfdf72098137243b450dd28f98424c930c2cacbef77f"),
    ("20261202140000_outbox_expiry.sql", "d0e3b21a946aa1a6a4fec625f2b1018319a2f3b1762973591137c22e8986fee9250a7c18f6b81184456a6874bd313077"),
    ("20261202140100_outbox_parts.sql", "5b220fc45413e6b6fccd0c990153e98550cb136f7d4e8c6f03ca56fd6d5ac5c3102e39392ac72f55301fc19f9cea15f8"),
    ("20261202150000_read_indexes.sql", "874c1fc9b84142d46fdd2346fbc4777199c2bbead30dc6d6441dcca4d584f4894ccebe3227f59e9902cbf4155d58dd2d"),
];

/// A new database at `path` with the migrations in `dir` applied, as an older yunqi left it.
async fn migrated(path: &std::path::Path, dir: &std::path::Path) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(dir)
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    pool
}

/// A database at `dir/old.db` as a yunqi before migration `version` left it: every
/// migration before it applied (copied into a folder under `dir`), then `rows` run.
/// Closed; returns its path.
async fn seeded_before(dir: &std::path::Path, version: &str, rows: &str) -> std::path::PathBuf {
    let path = dir.join("old.db");
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let before = dir.join("migrations");
    std::fs::create_dir(&before).unwrap();
    for f in std::fs::read_dir(&all).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().into_string().unwrap();
        if name.as_str() < version {
            std::fs::copy(f.path(), before.join(&name)).unwrap();
        }
    }
    let pool = migrated(&path, &before).await;
    sqlx::raw_sql(rows).execute(&pool).await.unwrap();
    pool.close().await;
    path
}

#[tokio::test]
async fn a_database_migrated_from_the_old_path_opens_with_the_moved_set() {
    use sha2::{Digest, Sha384};
    let moved = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let dir = tempfile::tempdir().unwrap();
    // The old layout: the same files directly in `migrations/`.
    let old = dir.path().join("migrations");
    std::fs::create_dir(&old).unwrap();
    for (name, sum) in BEFORE_THE_MOVE {
        let sql = std::fs::read(moved.join(name)).unwrap();
        let hex: String = Sha384::digest(&sql)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&hex, sum, "{name} changed in the move");
        std::fs::write(old.join(name), sql).unwrap();
    }
    let path = dir.path().join("old.db");
    migrated(&path, &old).await.close().await;
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    // the old ones recognised, and those added after the move (leases) applied once
    let all = std::fs::read_dir(&moved).unwrap().count() as i64;
    assert_eq!(applied, all);
    store.close().await;
}

#[tokio::test]
async fn tickets_issued_before_the_code_index_are_found_by_their_code_after_it() {
    let dir = tempfile::tempdir().unwrap();
    // Every migration before the one that indexes the code itself.
    let path = seeded_before(
        dir.path(),
        "20261205100000",
        "INSERT INTO members (id, created_at) VALUES (1, 0), (2, 0);
             INSERT INTO salons (id, title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en,
                 starts_at, ends_at, timezone, capacity)
                 VALUES (1, 't', 't', 'v', 'v', '', '', 0, 1, 'Asia/Shanghai', 20);
             INSERT INTO registrations (id, salon_id, member_id, platform, user_id, status, created_at)
                 VALUES (1, 1, 1, 'console', 'a', 'approved', 0), (2, 1, 2, 'console', 'b', 'approved', 0);
             INSERT INTO tickets (registration_id, code, code_hash, issued_at)
                 VALUES (1, 'K7Q2M9XD', 'h1', 5), (2, 'ZZ23AB45', 'h2', 6);",
    )
    .await;
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let rows: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT registration_id, code, issued_at FROM tickets ORDER BY 1")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(rows, [(1, "K7Q2M9XD".into(), 5), (2, "ZZ23AB45".into(), 6)]);
    // Found through the unique index on the code, which refuses a second ticket with it.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT registration_id FROM tickets WHERE code = 'ZZ23AB45'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(
        plan.iter()
            .any(|p| p.3.contains("INDEX") && p.3.contains("(code=?)")),
        "{plan:?}"
    );
    let again = sqlx::query(
        "INSERT INTO tickets (registration_id, code, issued_at) VALUES (3, 'K7Q2M9XD', 7)",
    )
    .execute(store.pool())
    .await;
    assert!(again.is_err(), "a duplicate code was stored");
    store.close().await;
}

#[tokio::test]
async fn the_outbox_keeps_its_rows_and_dedupe_keys_with_the_key_indexed_only_where_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = seeded_before(
        dir.path(),
        "20261206100000",
        "INSERT INTO outbox (id, platform, recipient, payload, status, next_attempt_at,
                 created_at, sent_at, dedupe_key)
                 VALUES (4, 'slack', 'U1', '{}', 'sent', 10, 10, 11, 'job-7-U1'),
                        (5, 'slack', 'U2', '{}', 'pending', 12, 12, NULL, NULL),
                        (9, 'wecom', 'u3', '{}', 'pending', 13, 13, NULL, NULL);",
    )
    .await;
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let pool = store.pool();
    type Row = (i64, String, String, Option<String>, Option<i64>);
    let rows: Vec<Row> =
        sqlx::query_as("SELECT id, recipient, status, dedupe_key, sent_at FROM outbox ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let want: Vec<Row> = vec![
        (
            4,
            "U1".into(),
            "sent".into(),
            Some("job-7-U1".into()),
            Some(11),
        ),
        (5, "U2".into(), "pending".into(), None, None),
        (9, "u3".into(), "pending".into(), None, None),
    ];
    assert_eq!(rows, want);
    // Only keyed rows are in the unique index; no index over every row is left.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        indexes.iter().any(|(n, sql)| n == "outbox_dedupe"
            && sql.contains("UNIQUE")
            && sql.contains("WHERE dedupe_key IS NOT NULL")),
        "{indexes:?}"
    );
    assert!(
        !indexes
            .iter()
            .any(|(n, _)| n.starts_with("sqlite_autoindex")),
        "{indexes:?}"
    );
    let count = |key: &'static str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox INDEXED BY outbox_dedupe WHERE dedupe_key = $1",
        )
        .bind(key)
        .fetch_one(pool)
    };
    assert_eq!(count("job-7-U1").await.unwrap(), 1);
    // A key already there: ignored by the writes' upsert, refused by a plain INSERT; rows
    // without a key never collide.
    async fn insert(pool: &sqlx::SqlitePool, key: Option<&str>, upsert: bool) -> sqlx::Result<u64> {
        let sql = format!(
            "INSERT INTO outbox (platform, recipient, payload, next_attempt_at, created_at, dedupe_key)
             VALUES ('slack', 'U9', '{{}}', 20, 20, $1){}",
            if upsert { " ON CONFLICT DO NOTHING" } else { "" }
        );
        let done = sqlx::query(&sql).bind(key).execute(pool).await?;
        Ok(done.rows_affected())
    }
    assert_eq!(insert(pool, Some("job-7-U1"), true).await.unwrap(), 0);
    assert!(
        insert(pool, Some("job-7-U1"), false).await.is_err(),
        "a duplicate key was stored"
    );
    for _ in 0..2 {
        assert_eq!(insert(pool, None, true).await.unwrap(), 1);
    }
    assert_eq!(count("job-7-U1").await.unwrap(), 1);
    // The trigger came back with the table: failing a row stamps it.
    sqlx::query("UPDATE outbox SET status = 'failed' WHERE id = 5")
        .execute(pool)
        .await
        .unwrap();
    let failed_at: Option<i64> = sqlx::query_scalar("SELECT failed_at FROM outbox WHERE id = 5")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(failed_at.is_some());
    store.close().await;
}
