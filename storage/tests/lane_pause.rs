//! A platform's Retry-After pauses the whole lane (issue 14 item 8), and a salon reminder
//! that could only go out after the salon started is recorded as expired, not sent.

use crate::on_sqlite::common::*;
use chrono::Utc;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{Clock, Delivery, Outbound, OutboxTx, Store, SystemClock, Tx};
use yunqi_bot::runtime::Dispatcher;
use yunqi_bot::UserRef;
use yunqi_storage::SqliteStore;

/// Answers 429 "retry after `pause`" to every call until `pause` has passed since the
/// first call, then delivers. Records when each call came and what was delivered.
struct Throttled {
    pause: Duration,
    first: Mutex<Option<Instant>>,
    calls: Mutex<Vec<Instant>>,
    delivered: Mutex<Vec<String>>,
}

impl Throttled {
    fn new(pause: Duration) -> Arc<Throttled> {
        Arc::new(Throttled {
            pause,
            first: Mutex::new(None),
            calls: Mutex::new(Vec::new()),
            delivered: Mutex::new(Vec::new()),
        })
    }
}

impl Outbound for Throttled {
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
            let now = Instant::now();
            self.calls.lock().unwrap().push(now);
            let first = *self.first.lock().unwrap().get_or_insert(now);
            if now < first + self.pause {
                return too_many_requests(first + self.pause - now);
            }
            self.delivered
                .lock()
                .unwrap()
                .push(format!("{}:{}", msg.to.user.id, msg.text));
            Delivery::Sent { message_id: None }
        })
    }
}

fn too_many_requests(after: Duration) -> Delivery {
    Delivery::Retry {
        after: Some(after),
        error: "429 too many requests".into(),
        scope: yunqi_bot::ports::RetryScope::Platform,
    }
}

fn dispatch(
    store: Arc<SqliteStore>,
    clock: Arc<dyn Clock>,
    out: Arc<Throttled>,
) -> watch::Sender<bool> {
    let (stop, stopped) = watch::channel(false);
    let (_changed, changes) = watch::channel(0u64);
    let d = Dispatcher {
        store,
        clock,
        changed: changes,
        idle_poll: Duration::from_millis(200),
    };
    d.spawn(vec![out as Arc<dyn Outbound>], stopped);
    stop
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_a_chat_scope_pauses_the_whole_lane() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let store = Arc::new(SqliteStore::open(path.to_str().unwrap()).await.unwrap());
    // 100 people, one message each: nothing per-chat holds them back.
    let msgs: Vec<Outgoing> = (0..100)
        .map(|i| {
            let to = Recipient::direct(UserRef::new(Platform::Console, format!("u{i}")));
            Outgoing::new(to, Reply::text(format!("m{i}")))
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    let pause = Duration::from_secs(2);
    let out = Throttled::new(pause);
    let stop = dispatch(store.clone(), Arc::new(SystemClock), out.clone());
    let start = Instant::now();
    let deadline = start + Duration::from_secs(20);
    while out.delivered.lock().unwrap().len() < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(true);
    let calls = out.calls.lock().unwrap().clone();
    let first = *out.first.lock().unwrap();
    let during = first
        .map(|f| calls.iter().filter(|c| **c < f + pause).count())
        .unwrap_or(0);
    let delivered = out.delivered.lock().unwrap().len();
    eprintln!(
        "calls during a {pause:?} 429: {during}; delivered {delivered}/100 after {:?}",
        start.elapsed()
    );
    assert!(during <= 2, "{during} calls while the platform said wait");
    assert_eq!(delivered, 100, "every message goes once the pause is over");
}

#[tokio::test]
async fn a_reminder_that_could_only_go_after_the_start_is_recorded_expired_not_sent() {
    let h = harness!(Harness::new(vec![salon(3, 0)]));
    h.register("late", 5).await;
    h.ask("admin", "/approve 1 late").await;
    // 90 minutes before the start the 2 h reminder is queued…
    h.advance(chrono::Duration::hours(50) + chrono::Duration::minutes(30));
    let sent = h.tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].text.contains("约 2 小时后"), "{}", sent[0].text);
    // …but the platform is down until after the salon has started.
    h.advance(chrono::Duration::hours(2));
    let out = Throttled::new(Duration::ZERO);
    let stop = dispatch(h.store.clone(), h.clock.clone(), out.clone());
    let deadline = Instant::now() + Duration::from_secs(10);
    let pending = || async {
        h.store
            .outbox_pending(Platform::Console, None)
            .await
            .unwrap()
    };
    while pending().await > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    let delivered = out.delivered.lock().unwrap().clone();
    let late: Vec<&String> = delivered
        .iter()
        .filter(|d| d.starts_with("late:"))
        .collect();
    let reminders = late.iter().filter(|d| d.contains("约 2 小时后")).count();
    eprintln!(
        "messages to late: {}, of them the 2 h reminder after the start: {reminders}",
        late.len()
    );
    assert!(!late.is_empty(), "the approval still goes: {delivered:?}");
    assert_eq!(reminders, 0, "a reminder after the start is not sent");
    let (status, error): (String, Option<String>) = sqlx::query_as(
        "SELECT status, last_error FROM outbox WHERE recipient = 'late' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(h.store.pool())
    .await
    .unwrap();
    assert_eq!(status, "failed");
    assert!(error.unwrap_or_default().starts_with("expired"));
}
