//! `yunqi copy`: a SQLite database with a community's data into an empty PostgreSQL one.

use crate::on_sqlite::common::*;
use sqlx::{Connection, Executor};
use std::sync::Arc;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Engine, Inbound};
use yunqi_storage::{PgStore, SqliteStore};

async fn fresh_pg() -> Option<String> {
    let url = match std::env::var("YUNQI_TEST_PG") {
        Ok(u) if !u.is_empty() => u,
        _ if std::env::var_os("YUNQI_REQUIRE_PG").is_some() => panic!("YUNQI_TEST_PG unset"),
        _ => {
            eprintln!("skipped: set YUNQI_TEST_PG=postgres://… to run the copy test");
            return None;
        }
    };
    let name = format!("yunqi_copy_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    c.execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    c.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let base = &url[..url.rfind('/').unwrap()];
    Some(format!("{base}/{name}"))
}

#[tokio::test]
async fn copy_moves_every_row_keeps_ids_advances_sequences_and_refuses_a_full_target() {
    let Some(pg_url) = fresh_pg().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let lite = Arc::new(SqliteStore::open(path.to_str().unwrap()).await.unwrap());
    let clock = Arc::new(yunqi_bot::ports::ManualClock::new(t0()));
    let (core, _w) = Core::start(lite.clone(), Engine::new(engine_config()), clock);
    core.seed(vec![salon(3, 0)]).await.unwrap();
    for u in ["ann", "bob", "cat"] {
        core.submit(Inbound::text(console(u), "/salon 1"))
            .await
            .unwrap();
    }
    let pg = PgStore::open(&pg_url).await.unwrap();
    let copied = yunqi_storage::copy::copy(&lite, &pg).await.unwrap();
    for t in ["salons", "members", "outbox"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
            .fetch_one(lite.pool())
            .await
            .unwrap();
        assert!(n > 0, "{t} has rows to copy");
        assert_eq!(copied.get(t).copied(), Some(n as u64), "{t}: {copied:?}");
        let ids: Vec<i64> = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
            .fetch_all(pg.pool())
            .await
            .unwrap();
        assert_eq!(ids, vec![n], "{t} in PostgreSQL");
    }
    let lite_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(lite.pool())
        .await
        .unwrap();
    let pg_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(pg.pool())
        .await
        .unwrap();
    assert_eq!(lite_ids, pg_ids, "ids preserved");
    let seq: i64 = sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('outbox', 'id'))")
        .fetch_one(pg.pool())
        .await
        .unwrap();
    assert_eq!(
        seq,
        lite_ids.last().unwrap() + 1,
        "sequence advanced past the copied ids"
    );
    let again = yunqi_storage::copy::copy(&lite, &pg).await;
    let err = again.unwrap_err().to_string();
    assert!(err.contains("not empty"), "{err}");
}
