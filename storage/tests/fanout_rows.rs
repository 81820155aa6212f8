//! A fan-out's rows (one shared payload, the JSON path of `outbox::push`), on both backends.

use super::common::*;
use super::Store as Db;
use chrono::Duration as Cd;
use std::sync::Arc;
use yunqi_bot::ids::{Platform, UserRef};
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{OutboxTx, Store, Tx};

type Row = (
    String,
    String,
    Option<String>,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
);

#[tokio::test]
async fn a_fan_out_keeps_every_field_the_order_and_one_row_per_key() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let shared = Arc::new(Reply::text("new job"));
    let other = Arc::new(Reply::text("新职位"));
    let later = t0() + Cd::hours(7);
    let mut msgs = Vec::new();
    for i in 0..40 {
        let platform = if i % 3 == 0 { Platform::Slack } else { Platform::Telegram };
        let reply = if i % 4 == 0 { &other } else { &shared };
        let mut o = Outgoing::shared(
            Recipient::direct(UserRef::new(platform, format!("u{}", i % 7))),
            reply.clone(),
        );
        o.dedupe_key = (i != 5).then(|| format!("k{}", i % 38));
        o.not_before = (i % 5 == 0).then_some(later);
        o.ref_key = (i == 7).then(|| "q:7".to_string());
        o.expires_at = (i == 9).then_some(later);
        if i == 11 {
            o.to.conversation = Some("C1".into());
        }
        msgs.push(o);
    }
    // k0 and k1 come again at 38 and 39: written once, the first time.
    let want: Vec<Row> = msgs[..38]
        .iter()
        .map(|m| {
            (
                m.to.user.platform.as_str().to_string(),
                m.to.user.id.clone(),
                m.to.conversation.clone(),
                serde_json::to_string(&*m.reply).unwrap(),
                m.not_before.unwrap_or(t0()).timestamp_millis(),
                m.dedupe_key.clone(),
                m.ref_key.clone(),
                m.expires_at.map(|t| t.timestamp_millis()),
            )
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();
    let got: Vec<Row> = sqlx::query_as(
        "SELECT platform, recipient, conversation, payload, next_attempt_at, dedupe_key, ref_key, expires_at FROM outbox ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_large_fan_out_writes_every_row_once() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let reply = Arc::new(Reply::text("new job"));
    let msgs = |n: usize| -> Vec<Outgoing> {
        (0..n)
            .map(|i| {
                let mut o = Outgoing::shared(Recipient::direct(console(&format!("u{i}"))), reply.clone());
                o.dedupe_key = Some(format!("k{i}"));
                o
            })
            .collect()
    };
    // Large enough for SQLite's bigger page cache; the second time, one row per key.
    for n in [6_000, 6_001] {
        let mut tx = store.begin().await.unwrap();
        tx.outbox_push(msgs(n), t0()).await.unwrap();
        tx.commit().await.unwrap();
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(n, 6_001);
}
