//! PostgreSQL for tests: `YUNQI_TEST_PG` names a server (a `postgres://` URL whose user may
//! create databases, on loopback; `.ci/run` starts a throwaway cluster and sets it). Each
//! call makes a new empty database so tests never see each other's rows.

use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server's URL, or `None` when PostgreSQL tests are not wanted here. `.ci/run` sets
/// `YUNQI_REQUIRE_PG`: there a missing `YUNQI_TEST_PG` is a failure, so the PostgreSQL
/// suite cannot be skipped silently in CI.
pub fn server() -> Option<String> {
    match std::env::var("YUNQI_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("YUNQI_REQUIRE_PG").is_some() => {
            panic!(
                "YUNQI_REQUIRE_PG is set but YUNQI_TEST_PG is not: the PostgreSQL tests must run"
            )
        }
        _ => {
            eprintln!("skipped: set YUNQI_TEST_PG=postgres://… to run the PostgreSQL tests");
            None
        }
    }
}

/// A fresh database on the test server, as a URL; `None` as for [`server`].
pub async fn fresh_db() -> Option<String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let server = server()?;
    let name = format!(
        "yunqi_t{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    );
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("connect to YUNQI_TEST_PG");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    Some(with_database(&server, &name))
}

/// `url` with its database path replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// One integer a query over `url` returns (counts in the multi-process tests).
pub async fn scalar(url: &str, sql: &str) -> i64 {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let n: i64 = sqlx::query_scalar(sql)
        .fetch_one(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    c.close().await.ok();
    n
}

/// The holder of lease `name`, if one is running now (`host:pid:random`).
pub async fn lease_holder(url: &str, name: &str) -> Option<String> {
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let now = chrono::Utc::now().timestamp_millis();
    let h: Option<String> =
        sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1 AND until_ms > $2")
            .bind(name)
            .bind(now)
            .fetch_optional(&mut c)
            .await
            .expect("read leases");
    c.close().await.ok();
    h
}
