//! The generic storage suites on SQLite: a fresh database file per test.

pub use yunqi_storage::SqliteStore as Store;

/// A new empty database: its URL, and what keeps it alive.
pub async fn fresh() -> Option<(String, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yunqi.db");
    Some((path.display().to_string(), Some(dir)))
}

#[macro_use]
#[path = "common/mod.rs"]
pub mod common;

include!("suites.rs");
