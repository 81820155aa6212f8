//! The storage crate's integration tests as one binary (one link). The generic suites
//! (`suites.rs`) run on both backends, `on_sqlite` and `on_pg`; the modules below them
//! need SQLite itself (files, PRAGMAs, backups, injected triggers) or are not ported yet.

#[macro_use]
mod on_sqlite;
mod on_pg;

mod backup;
mod concurrency;
mod copy_pg;
mod disk_full;
mod lane_pause;
mod leases;
mod leases_pg;
mod linking;
mod open;
mod ops;
mod outbox;
mod pacing;
mod parts;
mod replicas;
mod salon_channels;
mod salon_series;
mod spec_checklist;
