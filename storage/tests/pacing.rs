//! Per-recipient pacing in the dispatcher: a flooded chat waits its turn, everyone else is
//! served meanwhile, and a waiting lane sleeps instead of polling.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{
    Delivery, Outbound, OutboxRow, OutboxTx, Settlement, Store, StoreResult, SystemClock, Tx,
};
use yunqi_bot::runtime::Dispatcher;
use yunqi_bot::UserRef;
use yunqi_storage::{SqliteStore, SqliteTx};

const GAP: Duration = Duration::from_secs(1);

/// A platform allowing one message per `GAP` per recipient; records what arrived when.
struct Paced {
    got: Mutex<Vec<(String, String, Instant)>>,
    /// The first delivery answers "retry in 10 s" when set.
    fail_first: Mutex<bool>,
}

impl Paced {
    fn new(fail_first: bool) -> Arc<Paced> {
        Arc::new(Paced {
            got: Mutex::new(Vec::new()),
            fail_first: Mutex::new(fail_first),
        })
    }
    fn to(&self, user: &str) -> Vec<(String, Instant)> {
        let got = self.got.lock().unwrap();
        got.iter()
            .filter(|g| g.0 == user)
            .map(|g| (g.1.clone(), g.2))
            .collect()
    }
}

impl Outbound for Paced {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        1000.0
    }
    fn recipient_gap(&self, _to: &Recipient) -> Duration {
        GAP
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if std::mem::take(&mut *self.fail_first.lock().unwrap()) {
                return Delivery::Retry {
                    after: Some(Duration::from_secs(10)),
                    error: "429".into(),
                    scope: yunqi_bot::ports::RetryScope::Platform,
                };
            }
            self.got.lock().unwrap().push((
                msg.to.user.id.clone(),
                msg.text.clone(),
                Instant::now(),
            ));
            Delivery::Sent { message_id: None }
        })
    }
}

/// The real store, counting the dispatcher's reads.
struct Counting {
    inner: Arc<SqliteStore>,
    reads: AtomicUsize,
}

impl Store for Counting {
    type Tx = SqliteTx;
    async fn begin(&self) -> StoreResult<SqliteTx> {
        self.inner.begin().await
    }
    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        (self
            .inner
            .outbox_due(platform, recipient, waiting, now, limit))
        .await
    }
    async fn outbox_settle(&self, settled: &[Settlement]) -> StoreResult<()> {
        self.inner.outbox_settle(settled).await
    }
    async fn outbox_expand(&self, platform: Platform, window: u32) -> StoreResult<u64> {
        self.inner.outbox_expand(platform, window).await
    }

    async fn outbox_pending(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<i64> {
        self.inner.outbox_pending(platform, recipient).await
    }
    async fn outbox_next_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
    ) -> StoreResult<Option<DateTime<Utc>>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner
            .outbox_next_due(platform, recipient, waiting)
            .await
    }
}

async fn store() -> Arc<SqliteStore> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let s = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    std::mem::forget(dir); // removed with the test process's temp dir
    Arc::new(s)
}

async fn queue(store: &SqliteStore, user: &str, texts: impl Iterator<Item = String>) {
    let to = Recipient::direct(UserRef::new(Platform::Console, user));
    let msgs: Vec<Outgoing> = texts
        .map(|t| Outgoing::new(to.clone(), Reply::text(t)))
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
}

fn lane<S: Store>(
    store: Arc<S>,
    out: Arc<Paced>,
    idle_poll: Duration,
) -> (watch::Sender<bool>, watch::Sender<u64>) {
    let (stop, stopped) = watch::channel(false);
    let (changed, changes) = watch::channel(0u64);
    let d = Dispatcher {
        store,
        clock: Arc::new(SystemClock),
        changed: changes,
        idle_poll,
    };
    d.spawn(vec![out as Arc<dyn Outbound>], stopped);
    (stop, changed)
}

#[tokio::test]
async fn a_flooded_recipient_does_not_delay_a_quiet_one() {
    let store = store().await;
    queue(&store, "flood", (0..1000).map(|i| format!("a{i}"))).await;
    queue(&store, "quiet", std::iter::once("b".to_string())).await;
    let out = Paced::new(false);
    let t0 = Instant::now();
    let (stop, _changed) = lane(store.clone(), out.clone(), Duration::from_secs(1));
    let served = tokio::time::timeout(Duration::from_secs(1), async {
        while out.to("quiet").is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(
        served.is_ok(),
        "the quiet recipient waited {:?}",
        t0.elapsed()
    );
    tokio::time::sleep_until(t0 + Duration::from_millis(2500)).await;
    let _ = stop.send(true);
    let flood = out.to("flood");
    let texts: Vec<&str> = flood.iter().map(|f| f.0.as_str()).collect();
    assert!(
        (2..=4).contains(&flood.len()),
        "paced to one a second: {texts:?}"
    );
    for (i, t) in texts.iter().enumerate() {
        assert_eq!(*t, format!("a{i}"), "in order: {texts:?}");
    }
    for w in flood.windows(2) {
        let gap = w[1].1 - w[0].1;
        assert!(gap >= Duration::from_millis(950), "paced: {gap:?}");
    }
}

#[tokio::test]
async fn a_recipient_waiting_behind_a_retry_does_not_make_the_lane_poll() {
    let inner = store().await;
    queue(&inner, "zoe", (0..2).map(|i| format!("z{i}"))).await;
    let store = Arc::new(Counting {
        inner,
        reads: AtomicUsize::new(0),
    });
    let out = Paced::new(true);
    let (stop, _changed) = lane(store.clone(), out.clone(), Duration::from_millis(500));
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let _ = stop.send(true);
    let reads = store.reads.load(Ordering::SeqCst);
    assert!(out.to("zoe").is_empty(), "z1 waits behind z0's retry");
    assert!(
        reads <= 20,
        "{reads} store reads in 2 s while nothing can go"
    );
}

/// A platform taking 500 messages a second, whoever they are for.
struct Steady {
    got: Mutex<Vec<String>>,
}

impl Outbound for Steady {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        500.0
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            self.got.lock().unwrap().push(msg.to.user.id.clone());
            Delivery::Sent { message_id: None }
        })
    }
}

#[tokio::test]
async fn a_reply_queued_after_a_large_fan_out_waits_behind_a_window_of_it_not_all_of_it() {
    let store = store().await;
    // 6,000 subscribers: staged, 12 s of sending at 500/s; the lane's window is 2 s of it.
    let notice = Arc::new(Reply::text("new job"));
    let msgs: Vec<Outgoing> = (0..6_000)
        .map(|i| {
            let to = Recipient::direct(UserRef::new(Platform::Console, format!("f{i}")));
            Outgoing::shared(to, notice.clone())
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let out = Arc::new(Steady {
        got: Mutex::new(Vec::new()),
    });
    let (stop, stopped) = watch::channel(false);
    let (changed, changes) = watch::channel(0u64);
    Dispatcher {
        store: store.clone(),
        clock: Arc::new(SystemClock),
        changed: changes,
        idle_poll: Duration::from_millis(200),
    }
    .spawn(vec![out.clone() as Arc<dyn Outbound>], stopped);
    while out.got.lock().unwrap().len() < 100 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    queue(
        &store,
        "late",
        std::iter::once("your registration".to_string()),
    )
    .await;
    changed.send_modify(|n| *n += 1);
    let arrived = tokio::time::timeout(Duration::from_secs(8), async {
        loop {
            if let Some(at) = out.got.lock().unwrap().iter().position(|u| u == "late") {
                return at;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the reply waited behind the whole fan-out");
    let _ = stop.send(true);
    assert!(
        arrived <= 1_000 + 100,
        "{arrived} fan-out messages went first"
    );
    // The fan-out goes out in push order, each subscriber once so far.
    let got = out.got.lock().unwrap().clone();
    let fans: Vec<&String> = got.iter().filter(|u| *u != "late").collect();
    for (i, u) in fans.iter().enumerate() {
        assert_eq!(**u, format!("f{i}"), "in push order");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let delivered = out.got.lock().unwrap().len() as i64;
    let left = store.outbox_pending(Platform::Console, None).await.unwrap();
    assert_eq!(delivered + left, 6_001, "nothing lost or doubled");
}
