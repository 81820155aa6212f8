//! Two replicas on one database (a SQLite file, or a PostgreSQL database) in one process: each outbox lane runs on one of
//! them (its lane lease), rows are claimed, and when the lane's holder dies the other
//! takes over within the ttl, re-sending only what the dead one had not settled.

use super::leases::queue;
use super::Store as Db;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Clock, Delivery, Outbound, SystemClock};
use yunqi_bot::runtime::lease::{hold, while_held, LEADER};
use yunqi_bot::runtime::{DeliveryLog, Dispatcher, LeaseTerms};

const TTL: Duration = Duration::from_millis(900);

/// Deliveries as (replica, recipient, when), shared by both replicas' platforms.
type Log = Arc<Mutex<Vec<(&'static str, String, Instant)>>>;

struct Fake {
    replica: &'static str,
    log: Log,
    /// A frozen process: deliveries never return.
    frozen: AtomicBool,
    rate: f64,
}

impl Outbound for Fake {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        self.rate
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if self.frozen.load(Ordering::SeqCst) {
                futures::future::pending::<()>().await;
            }
            let to = msg.to.user.id.clone();
            self.log
                .lock()
                .unwrap()
                .push((self.replica, to, Instant::now()));
            Delivery::Sent { message_id: None }
        })
    }
}

struct Replica {
    fake: Arc<Fake>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn replica(path: &str, name: &'static str, log: &Log, rate: f64) -> Replica {
    let store = Arc::new(Db::open(path).await.unwrap());
    let fake = Arc::new(Fake {
        replica: name,
        log: log.clone(),
        frozen: AtomicBool::new(false),
        rate,
    });
    let (stop, stopped) = watch::channel(false);
    let (_changed_tx, changed) = watch::channel(0u64);
    std::mem::forget(_changed_tx);
    let d = Dispatcher {
        store,
        clock: Arc::new(SystemClock) as Arc<dyn Clock>,
        changed,
        idle_poll: Duration::from_millis(20),
    };
    let terms = LeaseTerms {
        holder: name.to_string(),
        ttl: TTL,
    };
    let tasks = d.spawn_leased(
        vec![fake.clone() as Arc<dyn Outbound>],
        terms,
        stopped,
        Arc::new(DeliveryLog::default()),
    );
    Replica { fake, stop, tasks }
}

/// A fresh database's URL (its directory kept for the test's life); `None` when the
/// backend is not here.
async fn db() -> Option<String> {
    let (url, dir) = super::fresh().await?;
    std::mem::forget(dir);
    Some(url)
}

async fn until_delivered(log: &Log, n: usize, within: Duration) {
    let start = Instant::now();
    while distinct(log) < n {
        assert!(
            start.elapsed() < within,
            "{} of {n} delivered",
            distinct(log)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn distinct(log: &Log) -> usize {
    let log = log.lock().unwrap();
    log.iter()
        .map(|e| &e.1)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn per_replica(log: &Log) -> HashMap<&'static str, usize> {
    let mut m = HashMap::new();
    for e in log.lock().unwrap().iter() {
        *m.entry(e.0).or_default() += 1;
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_deliver_each_message_once_through_one_lane() {
    let Some(path) = db().await else {
        return;
    };
    let log: Log = Arc::default();
    let a = replica(&path, "a", &log, 2000.0).await;
    let b = replica(&path, "b", &log, 2000.0).await;
    let store = Db::open(&path).await.unwrap();
    let to: Vec<String> = (0..400).map(|i| format!("u{i}")).collect();
    let to: Vec<&str> = to.iter().map(|s| s.as_str()).collect();
    queue(&store, &to).await;
    until_delivered(&log, 400, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = log.lock().unwrap().len();
    let by = per_replica(&log);
    eprintln!("400 messages, two replicas: {sent} deliveries, by replica {by:?}");
    assert_eq!(sent, 400, "no duplicates");
    assert_eq!(by.len(), 1, "one lane on one replica: {by:?}");
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' OR claimed_by IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(pending, 0, "all settled, claims cleared");
    for r in [a, b] {
        let _ = r.stop.send(true);
        for t in r.tasks {
            t.await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn when_the_lanes_holder_dies_the_other_takes_over_within_the_ttl() {
    let Some(path) = db().await else {
        return;
    };
    let log: Log = Arc::default();
    // 100/s: the first replica is mid-fan-out when it dies
    let a = replica(&path, "a", &log, 100.0).await;
    let store = Db::open(&path).await.unwrap();
    let to: Vec<String> = (0..300).map(|i| format!("u{i}")).collect();
    let to: Vec<&str> = to.iter().map(|s| s.as_str()).collect();
    queue(&store, &to).await;
    until_delivered(&log, 50, Duration::from_secs(20)).await;
    let b = replica(&path, "b", &log, 2000.0).await;
    // a freezes (kill -9 as far as the database can tell): no renewals, no settlement
    a.fake.frozen.store(true, Ordering::SeqCst);
    for t in &a.tasks {
        t.abort();
    }
    let died = Instant::now();
    let before = log.lock().unwrap().len();
    until_delivered(&log, 300, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log_now = log.lock().unwrap().clone();
    let first_b = log_now
        .iter()
        .filter(|e| e.0 == "b")
        .map(|e| e.2)
        .min()
        .unwrap();
    let takeover = first_b - died;
    let dups = log_now.len() - 300;
    eprintln!(
        "a delivered {before} before dying; b took over after {takeover:?} (ttl {TTL:?}); {dups} duplicates"
    );
    assert!(takeover <= TTL + Duration::from_millis(700), "{takeover:?}");
    // only what a sent but had not settled (one settle batch at most) goes twice
    assert!(dups <= 32, "{dups} duplicates");
    assert!(log_now[before..].iter().all(|e| e.0 == "b"));
    let _ = b.stop.send(true);
    for t in b.tasks {
        t.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leader_work_runs_on_one_replica_and_moves_when_it_stops() {
    let Some(path) = db().await else {
        return;
    };
    let ticks: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    let mut stops = Vec::new();
    for name in ["a", "b"] {
        let store = Arc::new(Db::open(&path).await.unwrap());
        let (stop, stopped) = watch::channel(false);
        let terms = LeaseTerms {
            holder: name.into(),
            ttl: TTL,
        };
        let (held, holder) = hold(
            store,
            Arc::new(SystemClock),
            LEADER.into(),
            terms,
            stopped.clone(),
        );
        let ticks = ticks.clone();
        let work = tokio::spawn(while_held(held, stopped, move |mut stop| {
            let ticks = ticks.clone();
            vec![tokio::spawn(async move {
                loop {
                    ticks.lock().unwrap().push(name);
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                        _ = stop.changed() => return,
                    }
                }
            })]
        }));
        stops.push((stop, holder, work));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let seen: std::collections::HashSet<_> = ticks.lock().unwrap().iter().copied().collect();
    assert_eq!(seen, ["a"].into(), "only the first replica ticks");
    // a shuts down (releasing its lease): b takes over at its next renewal (ttl/3)
    let (stop_a, holder_a, work_a) = stops.remove(0);
    let _ = stop_a.send(true);
    holder_a.await.unwrap();
    work_a.await.unwrap();
    let n = ticks.lock().unwrap().len();
    let stopped = Instant::now();
    while !ticks.lock().unwrap()[n..].contains(&"b") {
        assert!(stopped.elapsed() < TTL, "b took over within the ttl");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!ticks.lock().unwrap()[n..].contains(&"a"));
    // b's holder is killed outright (no release): its work stops at once
    let (_stop_b, holder_b, work_b) = stops.remove(0);
    holder_b.abort();
    tokio::time::timeout(Duration::from_secs(2), work_b)
        .await
        .unwrap()
        .unwrap();
}
