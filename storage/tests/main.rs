//! The storage crate's integration tests as one binary (one link). The generic suites
//! (`suites.rs`) run on both backends, `on_sqlite` and `on_pg`; the modules below them
//! need SQLite itself (files, PRAGMAs, backups, injected triggers) or are not ported yet.

// Deliberate: the generic suites are compiled once per backend.
#![allow(clippy::duplicate_mod)]

#[macro_use]
mod on_sqlite;
mod on_pg;

mod backup;
mod copy_pg;
mod disk_full;
mod lane_pause;
mod leases_pg;
mod open;
mod outbox;
mod pacing;
mod parts;
#[cfg(target_os = "linux")]
mod pinning;
mod salon_channels;
mod wal_sync;
