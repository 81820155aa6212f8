//! Core + SQLite benchmark: complete registrations per second for distinct users against
//! one large salon, with per-event latency. `cargo run --release --bin yunqi-bench -- --help`

use anyhow::Result;
use chrono::{Duration, Utc};
use clap::Parser;
use std::sync::Arc;
use std::time::Instant;
use yunqi_bot::ids::Platform;
use yunqi_bot::metrics::METRICS;
use yunqi_bot::model::{NewSalon, Text2};
use yunqi_bot::ports::SystemClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Engine, EngineConfig, Inbound, UserRef};
use yunqi_storage::SqliteStore;

#[path = "yunqi-bench/dataset.rs"]
mod dataset;
#[path = "yunqi-bench/fanout.rs"]
mod fanout;
#[path = "yunqi-bench/floor.rs"]
mod floor;
#[path = "yunqi-bench/serve_cmd.rs"]
mod serve_cmd;
#[path = "yunqi-bench/startup.rs"]
mod startup;

#[derive(Parser)]
struct Args {
    /// Registrations to complete (distinct users).
    #[arg(long, default_value_t = 20_000)]
    registrations: usize,
    /// Concurrent submitters.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Approve at once instead of pending + organizer notification.
    #[arg(long)]
    auto_approve: bool,
    /// Database file (default: a fresh file in a temp dir).
    #[arg(long)]
    db: Option<String>,
    /// Instead: publish one job matching this many subscribers and time the fan-out.
    #[arg(long)]
    fanout: Option<usize>,
    /// With --fanout: seconds to run delivery against rate-limited fake platforms.
    #[arg(long, default_value_t = 5)]
    deliver_seconds: u64,
    /// Instead: build (once, into --db if given) 100,000 members, 10,000 jobs and 100,000
    /// questions, and time the guest list, /applicants, /jobs <tag> and /faq reads.
    #[arg(long)]
    dataset: bool,
    /// With --dataset: calls per read.
    #[arg(long, default_value_t = 500)]
    calls: usize,
    /// Instead: time `yunqi serve` from spawn to its first 200 on /healthz, on the
    /// --dataset database (built into --db first if it is not there).
    #[arg(long)]
    startup: bool,
    /// With --startup: the server binary (default: `yunqi` next to this one).
    #[arg(long)]
    server: Option<std::path::PathBuf>,
    /// After the registrations: SQLite alone storing the same rows in as many
    /// transactions, with the same durability (the most this schema and disk allow).
    #[arg(long)]
    floor: bool,
    /// With --startup: starts to time (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Leave the writer's thread and its SQLite connection's thread free to move between
    /// CPUs (`yunqi serve` keeps them on one: `[storage] pin_writer`).
    #[arg(long)]
    unpinned: bool,
}

fn proc_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn peak_rss_kib() -> Option<u64> {
    proc_kib("VmHWM:")
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    // Quiet unless RUST_LOG asks (e.g. `sqlx::query=debug` to count statements per group).
    yunqi::telemetry::init("warn");
    let dir = tempfile::tempdir()?;
    let path = args
        .db
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db").display().to_string());
    let store = Arc::new(SqliteStore::open(&path).await?);
    if args.dataset {
        return dataset::run(&store, &path, args.calls).await;
    }
    if args.startup {
        return startup::run(&store, &path, args.server.as_deref(), args.runs).await;
    }
    // As `yunqi serve` does by default.
    let pinned = if args.unpinned {
        None
    } else {
        store.pin_writer()
    };
    let mut cfg = EngineConfig::default();
    cfg.organizers
        .insert(UserRef::new(Platform::Console, "admin"));
    let (core, writer) = Core::start(store.clone(), Engine::new(cfg), Arc::new(SystemClock));
    let start = Utc::now() + Duration::days(7);
    core.seed(vec![NewSalon {
        title: Text2 {
            zh: "压测沙龙".into(),
            en: "Bench salon".into(),
        },
        venue: Text2 {
            zh: "杭州".into(),
            en: "Hangzhou".into(),
        },
        agenda: Text2::default(),
        starts_at: start,
        ends_at: start + Duration::hours(3),
        timezone: chrono_tz::Asia::Shanghai,
        capacity: args.registrations as u32 + 1,
        min_years: 3,
        auto_approve: args.auto_approve,
        group_link: None,
        groups: Default::default(),
    }])
    .await?;

    if let Some(n) = args.fanout {
        return fanout::run(core, store, n, args.deliver_seconds).await;
    }
    let per_task = args.registrations.div_ceil(args.concurrency);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..args.concurrency {
        let core = core.clone();
        let n = args.registrations;
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_task);
            for i in (t * per_task)..((t + 1) * per_task).min(n) {
                let ev = Inbound::text(
                    UserRef::new(Platform::Slack, format!("U{i:07}")),
                    format!(
                        "/register 1 name=用户{i} phone=139{:08} position=backend years=5",
                        i
                    ),
                )
                .with_event_id(format!("bench-{i}"));
                let s = Instant::now();
                core.submit(ev).await.map_err(|e| anyhow::anyhow!("{e}"))?;
                lat.push(s.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut lat = Vec::with_capacity(args.registrations);
    for t in tasks {
        lat.extend(t.await??);
    }
    let secs = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);

    let rows = store.export_salon(1).await?;
    let done = rows
        .iter()
        .filter(|r| {
            r.status
                == if args.auto_approve {
                    "approved"
                } else {
                    "pending"
                }
        })
        .count();
    let batches = METRICS.batches.load(std::sync::atomic::Ordering::Relaxed);
    let queued = METRICS
        .outbox_queued
        .load(std::sync::atomic::Ordering::Relaxed);
    drop(core);
    let _ = writer.await;
    println!("yunqi-bench: core + SQLite (WAL, synchronous=FULL), in-process");
    println!("database            {path}");
    match pinned {
        Some(cpu) => println!("write chain         on CPU {cpu} (writer + its SQLite thread)"),
        None => println!("write chain         unpinned"),
    }
    println!(
        "registrations       {} completed ({} in the database), concurrency {}",
        lat.len(),
        done,
        args.concurrency
    );
    println!(
        "throughput          {:.0} registrations/s ({:.2} s)",
        lat.len() as f64 / secs,
        secs
    );
    println!(
        "latency per event   p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    println!(
        "write transactions  {batches} ({:.1} events each)",
        lat.len() as f64 / batches.max(1) as f64
    );
    println!("outbox rows queued  {queued}");
    if let Some(kib) = peak_rss_kib() {
        println!("peak RSS            {:.1} MiB", kib as f64 / 1024.0);
    }
    anyhow::ensure!(
        done == args.registrations,
        "only {done} of {} registrations are in the database",
        args.registrations
    );
    if args.floor {
        store.close().await;
        let rate = lat.len() as f64 / secs;
        floor::report(&path, lat.len(), rate, batches as usize, args.concurrency).await?;
    }
    Ok(())
}
