//! The storage crate's integration tests as one binary (one link), on real SQLite.

mod common;
mod concurrency;
mod jobs;
mod outbox;
mod pacing;
mod salon_flow;
mod threads;
mod time_driven;
