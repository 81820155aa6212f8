// The suites run on both backends (`on_sqlite.rs`, `on_pg.rs`): one list, compiled once
// per backend. A suite that needs SQLite itself stays a module of `main.rs`.

#[path = "checkin.rs"]
mod checkin;
#[path = "jobs.rs"]
mod jobs;
#[path = "salon_flow.rs"]
mod salon_flow;
#[path = "spec.rs"]
mod spec;
#[path = "threads.rs"]
mod threads;
#[path = "time_driven.rs"]
mod time_driven;
#[path = "concurrency.rs"]
mod concurrency;
#[path = "salon_series.rs"]
mod salon_series;
#[path = "linking.rs"]
mod linking;
#[path = "spec_checklist.rs"]
mod spec_checklist;
#[path = "ops.rs"]
mod ops;
#[path = "tickets.rs"]
mod tickets;
#[path = "feedback.rs"]
mod feedback;
#[path = "guest_lists.rs"]
mod guest_lists;
#[path = "seat_counts.rs"]
mod seat_counts;
#[path = "stats.rs"]
mod stats;
#[path = "leases.rs"]
pub(crate) mod leases;
#[path = "replicas.rs"]
mod replicas;
#[path = "fanout_rows.rs"]
mod fanout_rows;
#[path = "flush_rows.rs"]
mod flush_rows;
