//! The storage crate's integration tests as one binary (one link), on real SQLite.

mod backup;
mod checkin;
mod common;
mod concurrency;
mod disk_full;
mod feedback;
mod jobs;
mod lane_pause;
mod linking;
mod open;
mod ops;
mod outbox;
mod pacing;
mod parts;
mod salon_channels;
mod salon_flow;
mod salon_series;
mod spec;
mod spec_checklist;
mod stats;
mod threads;
mod time_driven;
