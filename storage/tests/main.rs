//! The storage crate's integration tests as one binary (one link), on real SQLite.

mod common;
mod concurrency;
mod disk_full;
mod jobs;
mod linking;
mod open;
mod outbox;
mod pacing;
mod salon_channels;
mod salon_flow;
mod salon_series;
mod threads;
mod time_driven;
