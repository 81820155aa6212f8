//! The generic storage suites on PostgreSQL: a fresh database per test on the server
//! `YUNQI_TEST_PG` names (skipped, with a message, when it is unset outside CI).

pub use yunqi_storage::PgStore as Store;

/// A new empty database: its URL (`None`: PostgreSQL tests are not wanted here).
pub async fn fresh() -> Option<(String, Option<tempfile::TempDir>)> {
    testkit::pg::fresh_db().await.map(|url| (url, None))
}

/// Makes every decision write fail (`concurrency.rs`).
pub const INJECT_FAULT: &[&str] = &[
    "CREATE FUNCTION injected() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
    "CREATE TRIGGER injected BEFORE INSERT ON decisions FOR EACH ROW EXECUTE FUNCTION injected()",
];

#[macro_use]
#[path = "common/mod.rs"]
pub mod common;

include!("suites.rs");
