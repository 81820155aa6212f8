//! The dispatcher: outages delay messages and lose none; permanent failures are recorded.

mod common;

use common::*;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Clock, Delivery, Outbound, SystemClock};
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
    let mut h = Harness::open(&path, t0()).await;
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
    tokio::time::sleep(Duration::from_millis(200)).await;
    let delivered = flaky.delivered.lock().unwrap().clone();
    assert_eq!(delivered.len(), 5, "each exactly once: {delivered:?}");
    for (i, d) in delivered.iter().enumerate() {
        assert!(
            d.contains(&format!("{}", 100 + i)),
            "in order: {delivered:?}"
        );
    }
    let rows = statuses(&h).await;
    assert!(rows.iter().all(|r| r.0 == "sent"), "{rows:?}");
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
