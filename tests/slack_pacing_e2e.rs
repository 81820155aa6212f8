//! Slack's one-message-a-second-per-channel pacing, end to end: the real app's Slack lane
//! against the fake Slack. A flooded channel goes at its pace; a quiet one is not held up.

use crate::common;
use crate::slack_support::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{OutboxTx, Store, SystemClock, Tx};
use yunqi_bot::{Platform, UserRef};

async fn queue(t: &common::TestApp, channel: &str, texts: Vec<String>) {
    let to = Recipient {
        user: UserRef::new(Platform::Slack, format!("U{channel}")),
        conversation: Some(channel.to_string()),
    };
    let msgs: Vec<Outgoing> = texts
        .into_iter()
        .map(|s| Outgoing::new(to.clone(), Reply::text(s)))
        .collect();
    let mut tx = t.app.store.begin().await.expect("begin");
    tx.outbox_push(msgs, chrono::Utc::now())
        .await
        .expect("push");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn a_flooded_channel_does_not_hold_up_a_quiet_one() {
    let (fake, _) = FakeSlack::start().await;
    let t = common::spawn_app_with(&slack_toml(&fake, false), Arc::new(SystemClock)).await;
    queue(
        &t,
        "CFLOOD",
        (0..1000).map(|i| format!("flood {i}")).collect(),
    )
    .await;
    queue(&t, "CQUIET", vec!["quiet".into()]).await;
    // The lane finds rows written behind its back within its idle poll (1 s).
    let first = tokio::time::timeout(Duration::from_secs(5), fake.wait_posts("CFLOOD", 1))
        .await
        .expect("the flood starts");
    assert_eq!(first.len(), 1);
    let started = Instant::now();
    let quiet = tokio::time::timeout(Duration::from_secs(1), fake.wait_posts("CQUIET", 1)).await;
    assert!(
        quiet.is_ok(),
        "the quiet channel still waits {:?} after the flood began",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let flood: Vec<String> = fake
        .posts_to("CFLOOD")
        .iter()
        .map(|c| c.json()["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!((2..=4).contains(&flood.len()), "one a second: {flood:?}");
    for (i, text) in flood.iter().enumerate() {
        assert!(text.contains(&format!("flood {i}")), "in order: {flood:?}");
    }
    t.shutdown().await;
}
