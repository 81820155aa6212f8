//! The storage ports implemented on SQLite and on PostgreSQL (sqlx). The only crate with
//! SQL. The store logic (`store.rs`, `tx/`, `outbox.rs`, the read modules) is written once
//! and compiled once per backend (`sqlite.rs`, `pg/mod.rs`), each with its own `Db` and
//! the few statements that differ (ARCHITECTURE.md, "Two backends").

// Deliberate: the shared store modules are compiled once per backend (sqlite.rs, pg/).
#![allow(clippy::duplicate_mod)]

mod affinity;
mod app_store;
mod backup;
mod bench;
mod checkpoint;
pub mod copy;
mod error;
mod gate;
pub mod lease_sql;
mod open_check;
mod pg;
mod pool;
mod rows;
mod shapes;
mod sqlite;
mod sqlite_rows;
mod trim;
mod url;
mod wal_sync;

pub use app_store::AppStore;
pub use bench::DatasetSize;
pub use pg::{PgStore, PgTx};
pub use pool::PageLimit;
pub use sqlite::{Backlog, ExportRow, FeedbackExportRow, JobExportRow, Purged, WebSession};
pub use sqlite::{GuestRow, SalonSummary};
pub use sqlite::{SqliteStore, SqliteTx};
pub use url::Backend;
