//! The dispatcher: outages delay messages and lose none; permanent failures are recorded.

use crate::on_sqlite::common::*;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Clock, Delivery, Outbound, Store, SystemClock};
use yunqi_bot::runtime::{Core, Dispatcher};
use yunqi_bot::{Engine, Inbound};

/// A platform that fails the first `fail_first` attempts, then delivers.
struct Flaky {
    attempts: Mutex<u32>,
    fail_first: u32,
    permanent: bool,
    delivered: Mutex<Vec<String>>,
}

impl Outbound for Flaky {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        1000.0
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            let mut n = self.attempts.lock().unwrap();
            *n += 1;
            if *n <= self.fail_first {
                return if self.permanent {
                    Delivery::Failed {
                        error: "errcode 95018: user blocked the app".into(),
                    }
                } else {
                    Delivery::Retry {
                        after: Some(Duration::from_millis(30)),
                        error: "429 too many requests".into(),
                        scope: yunqi_bot::ports::RetryScope::Platform,
                    }
                };
            }
            self.delivered
                .lock()
                .unwrap()
                .push(format!("{}:{}", msg.to.user, msg.text));
            Delivery::Sent {
                message_id: Some(format!("m{n}")),
            }
        })
    }
}

async fn running(fail_first: u32, permanent: bool) -> (Harness, Arc<Flaky>, watch::Sender<bool>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let store = Arc::new(
        yunqi_storage::SqliteStore::open(path.to_str().unwrap())
            .await
            .unwrap(),
    );
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (core, _w) = Core::start(store.clone(), Engine::new(engine_config()), clock.clone());
    let flaky = Arc::new(Flaky {
        attempts: Mutex::new(0),
        fail_first,
        permanent,
        delivered: Mutex::new(Vec::new()),
    });
    let (stop, stopped) = watch::channel(false);
    let d = Dispatcher {
        store: store.clone(),
        clock,
        changed: core.outbox_changed(),
        idle_poll: Duration::from_millis(50),
    };
    d.spawn(vec![flaky.clone() as Arc<dyn Outbound>], stopped);
    let mut h = Harness::open(&path, t0()).await.expect("SQLite");
    h.core = core;
    std::mem::forget(dir); // removed with the test process's temp dir
    (h, flaky, stop)
}

async fn statuses(h: &Harness) -> Vec<(String, i64, Option<String>)> {
    sqlx::query_as("SELECT status, attempts, last_error FROM outbox ORDER BY id")
        .fetch_all(h.store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_outage_delays_messages_in_order_and_loses_none() {
    let (h, flaky, stop) = running(3, false).await;
    for i in 0..5 {
        h.core
            .submit(Inbound::text(console("zoe"), format!("/salon {}", 100 + i)))
            .await
            .unwrap();
    }
    let done = tokio::time::timeout(Duration::from_secs(20), async {
        while flaky.delivered.lock().unwrap().len() < 5 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(done.is_ok(), "delivered within the bound");
    // Settled in groups (every 200 ms at the latest): wait for it, bounded, on a busy machine.
    let settled = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let rows = statuses(&h).await;
            if rows.iter().all(|r| r.0 == "sent") {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let rows = settled.unwrap_or_else(|_| panic!("not all settled as sent"));
    let delivered = flaky.delivered.lock().unwrap().clone();
    assert_eq!(delivered.len(), 5, "each exactly once: {delivered:?}");
    for (i, d) in delivered.iter().enumerate() {
        assert!(
            d.contains(&format!("{}", 100 + i)),
            "in order: {delivered:?}"
        );
    }
    assert_eq!(rows[0].1, 4, "three failed attempts, then success");
    let _ = stop.send(true);
}

#[tokio::test]
async fn a_permanent_failure_is_recorded_with_its_reason_and_not_retried() {
    let (h, flaky, stop) = running(1, true).await;
    h.core
        .submit(Inbound::text(console("yan"), "/help"))
        .await
        .unwrap();
    let settled = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if statuses(&h).await.first().is_some_and(|r| r.0 == "failed") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(settled.is_ok());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(*flaky.attempts.lock().unwrap(), 1, "never retried");
    let rows = statuses(&h).await;
    assert_eq!(
        rows[0].2.as_deref(),
        Some("errcode 95018: user blocked the app")
    );
    let _ = stop.send(true);
}

/// A platform with a batch API that records each call's size.
struct Batching {
    calls: Mutex<Vec<usize>>,
}

impl Outbound for Batching {
    fn platform(&self) -> Platform {
        Platform::Wecom
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        1000.0
    }
    fn deliver<'a>(&'a self, _: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            self.calls.lock().unwrap().push(1);
            Delivery::Sent { message_id: None }
        })
    }
    fn max_batch(&self) -> usize {
        100
    }
    fn deliver_batch<'a>(&'a self, msgs: &'a [Fitted]) -> BoxFuture<'a, Vec<Delivery>> {
        Box::pin(async move {
            self.calls.lock().unwrap().push(msgs.len());
            msgs.iter()
                .map(|_| Delivery::Sent { message_id: None })
                .collect()
        })
    }
}

#[tokio::test]
async fn a_fan_out_goes_to_a_batching_platform_in_one_call() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let h = harness!(Harness::open(&path, t0()));
    for i in 0..5 {
        h.core
            .submit(Inbound::text(
                yunqi_bot::UserRef::new(Platform::Wecom, format!("m{i}")),
                "/subscribe rust",
            ))
            .await
            .unwrap();
    }
    let store = h.store.clone();
    // The subscription confirmations are different messages from the fan-out: settle them.
    let due = store
        .outbox_due(
            Platform::Wecom,
            None,
            &[],
            chrono::Utc::now() + chrono::Duration::days(1),
            100,
        )
        .await
        .unwrap();
    let settled: Vec<_> = due
        .iter()
        .map(|r| yunqi_bot::ports::Settlement {
            id: r.id,
            attempts: 1,
            outcome: Delivery::Sent { message_id: None },
            at: t0(),
            retry_at: t0(),
            progress: Default::default(),
        })
        .collect();
    store.outbox_settle(&settled).await.unwrap();
    h.core
        .submit(Inbound::text(
            console("client"),
            r#"/post title=T description=D tags=rust budget=1000 deadline=2027-06-01 acceptance=A"#,
        ))
        .await
        .unwrap();
    let batching = Arc::new(Batching {
        calls: Mutex::new(Vec::new()),
    });
    let (stop, stopped) = watch::channel(false);
    let d = Dispatcher {
        store: store.clone(),
        clock: Arc::new(SystemClock),
        changed: h.core.outbox_changed(),
        idle_poll: Duration::from_millis(20),
    };
    let lanes = d.spawn(vec![batching.clone() as Arc<dyn Outbound>], stopped);
    let done = tokio::time::timeout(Duration::from_secs(10), async {
        while store.outbox_pending(Platform::Wecom, None).await.unwrap() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let _ = stop.send(true);
    for l in lanes {
        l.await.unwrap();
    }
    assert!(done.is_ok(), "all delivered");
    assert_eq!(
        *batching.calls.lock().unwrap(),
        vec![5],
        "one call for five recipients"
    );
}
