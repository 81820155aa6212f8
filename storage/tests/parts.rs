//! A message split into parts (issue 14 item 16b): when a later part fails and is retried,
//! the parts already delivered are not sent again, and every part's platform id is mapped
//! to what the message stood for.

use chrono::Utc;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{Delivery, Outbound, OutboxTx, Store, SystemClock, Tx};
use yunqi_bot::runtime::Dispatcher;
use yunqi_bot::UserRef;
use yunqi_storage::SqliteStore;

/// Splits text at 40 characters; the second part fails once with a transient error.
struct Flaky {
    sent: Mutex<Vec<String>>,
    failed_once: Mutex<bool>,
}

impl Outbound for Flaky {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            max_len: 40,
            ..Capabilities::PLAIN
        }
    }
    fn rate_per_second(&self) -> f64 {
        1000.0
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            let mut sent = self.sent.lock().unwrap();
            if sent.len() == 1 && !std::mem::replace(&mut *self.failed_once.lock().unwrap(), true) {
                return Delivery::Retry {
                    after: Some(Duration::from_millis(50)),
                    error: "upload failed".into(),
                    scope: yunqi_bot::ports::RetryScope::Chat,
                };
            }
            sent.push(msg.text.clone());
            Delivery::Sent {
                message_id: Some(format!("m{}", sent.len())),
            }
        })
    }
}

#[tokio::test]
async fn a_retried_later_part_does_not_resend_the_earlier_ones_and_every_part_is_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let store = Arc::new(SqliteStore::open(path.to_str().unwrap()).await.unwrap());
    let text = (1..=3)
        .map(|i| format!("part {i} {}", "x".repeat(30)))
        .collect::<Vec<_>>()
        .join("\n");
    let to = Recipient::direct(UserRef::new(Platform::Console, "ann"));
    let mut msg = Outgoing::new(to, Reply::text(text));
    msg.ref_key = Some("q:7".into());
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(vec![msg], Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    let out = Arc::new(Flaky {
        sent: Mutex::new(Vec::new()),
        failed_once: Mutex::new(false),
    });
    let (stop, stopped) = watch::channel(false);
    let (_changed, changes) = watch::channel(0u64);
    Dispatcher {
        store: store.clone(),
        clock: Arc::new(SystemClock),
        changed: changes,
        idle_poll: Duration::from_millis(50),
    }
    .spawn(vec![out.clone() as Arc<dyn Outbound>], stopped);
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.outbox_pending(Platform::Console, None).await.unwrap() > 0
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    let sent = out.sent.lock().unwrap().clone();
    let firsts = sent.iter().filter(|t| t.starts_with("part 1")).count();
    let mapped: Vec<String> = sqlx::query_scalar(
        "SELECT message_id FROM message_map WHERE ref_key = 'q:7' ORDER BY message_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    eprintln!(
        "platform calls that delivered: {}, part 1 delivered {firsts}×, ids mapped: {mapped:?}",
        sent.len()
    );
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(firsts, 1, "part 1 is not sent again");
    assert_eq!(mapped.len(), 3, "every part's id maps back to the question");
}
