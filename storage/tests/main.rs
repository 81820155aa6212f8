//! The storage crate's integration tests as one binary (one link), on real SQLite.

mod common;
mod concurrency;
mod jobs;
mod linking;
mod outbox;
mod salon_flow;
mod threads;
mod time_driven;
