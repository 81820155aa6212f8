//! The generic storage suites on PostgreSQL: a fresh database per test on the server
//! `YUNQI_TEST_PG` names (skipped, with a message, when it is unset outside CI).

pub use yunqi_storage::PgStore as Store;

/// A new empty database: its URL (`None`: PostgreSQL tests are not wanted here).
pub async fn fresh() -> Option<(String, Option<tempfile::TempDir>)> {
    testkit::pg::fresh_db().await.map(|url| (url, None))
}

#[macro_use]
#[path = "common/mod.rs"]
pub mod common;

include!("suites.rs");
