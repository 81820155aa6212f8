//! Outbox rows as `outbox::push` writes them, on both backends: a fan-out's (one shared
//! payload, its variants), a large one staged, and a group's replies (each its own
//! payload, whole rows in the flush's batch).

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
    let want: Vec<Row> = msgs[..38].iter().map(row).collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox_rows(&store, 0).await, want);
}

/// The row a message queued at `t0()` should be.
fn row(m: &Outgoing) -> Row {
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
}

/// One message to `to` under dedupe key `key`, committed before the test's push.
async fn queue_earlier(store: &Db, to: UserRef, key: &str) {
    let mut first = Outgoing::new(Recipient::direct(to), Reply::text("earlier"));
    first.dedupe_key = Some(key.into());
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(vec![first], t0()).await.unwrap();
    tx.commit().await.unwrap();
}

/// The outbox's rows after id `after`, in id order.
async fn outbox_rows(store: &Db, after: i64) -> Vec<Row> {
    sqlx::query_as(
        "SELECT platform, recipient, conversation, payload, next_attempt_at, dedupe_key, ref_key, expires_at FROM outbox WHERE id > $1 ORDER BY id",
    )
    .bind(after)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_groups_replies_keep_every_field_the_order_and_one_row_per_key() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let later = t0() + Cd::hours(7);
    queue_earlier(&store, UserRef::new(Platform::Console, "u0"), "k0").await;

    // Each its own payload: the rows go in whole (`FLUSH_OUTBOX`), not as variants.
    let msgs: Vec<Outgoing> = (0..30)
        .map(|i| {
            let platform = if i % 2 == 0 { Platform::Slack } else { Platform::Telegram };
            let to = UserRef::new(platform, format!("u{i}\"{}", i % 3));
            let mut o = Outgoing::new(
                Recipient::direct(to),
                // Text JSON escapes (quotes, backslash, a newline) and keeps (CJK, emoji).
                Reply::text(format!("第{i}条 \"引号\" \\ 🚀\nline two")),
            );
            o.dedupe_key = (i != 3).then(|| format!("k{}", i % 28));
            o.not_before = (i % 5 == 0).then_some(later);
            o.ref_key = (i == 7).then(|| "q:7".to_string());
            o.expires_at = (i == 9).then_some(later);
            if i == 11 {
                o.to.conversation = Some("C\\1".into());
            }
            o
        })
        .collect();
    // k0 is in the outbox already; k0 and k1 come again at 28 and 29: none of them lands.
    let want: Vec<Row> = msgs[1..28].iter().map(row).collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(outbox_rows(&store, 1).await, want);
}

/// Every pending console row's recipient, in id order (the order the lane reads).
async fn pending_console(store: &Db) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE status = 'pending' AND platform = 'console' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn count(store: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

#[tokio::test]
async fn a_large_fan_out_is_staged_and_joins_the_outbox_a_window_at_a_time_in_push_order() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let reply = Arc::new(Reply::text("new job"));
    let later = t0() + Cd::hours(7);
    // 6,000 messages, console and Telegram alternating; u4's key is in the outbox already.
    let to = |i: usize| {
        let p = if i.is_multiple_of(2) { Platform::Console } else { Platform::Telegram };
        UserRef::new(p, format!("u{i}"))
    };
    queue_earlier(&store, to(4), "k4").await;
    let msgs: Vec<Outgoing> = (0..6_000)
        .map(|i| {
            let mut o = Outgoing::shared(Recipient::direct(to(i)), reply.clone());
            o.dedupe_key = Some(format!("k{i}"));
            o.not_before = (i == 10).then_some(later);
            o.ref_key = (i == 12).then(|| "q:12".to_string());
            o
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();

    // Staged: the outbox holds only the earlier message, and the staged ones count as
    // pending (not due) everywhere the backlog is read.
    assert_eq!(pending_console(&store).await, ["u4"]);
    assert_eq!(store.outbox_pending(Platform::Console, None).await.unwrap(), 3_001);
    assert_eq!(store.outbox_pending(Platform::Telegram, Some("u1")).await.unwrap(), 1);
    let backlog = store.outbox_backlog(t0()).await.unwrap();
    let console = backlog.iter().find(|b| b.platform == "console").unwrap();
    assert_eq!((console.pending, console.due), (3_001, 1));

    // A window of 1,000: 999 staged rows are taken, u4's duplicate among them dropped.
    assert_eq!(store.outbox_expand(Platform::Console, 1_000).await.unwrap(), 998);
    let mut want = vec!["u4".to_string()];
    want.extend((0..1_998).step_by(2).filter(|i| *i != 4).map(|i| format!("u{i}")));
    assert_eq!(pending_console(&store).await, want);
    // Full window: nothing moves; Telegram's rows are untouched.
    assert_eq!(store.outbox_expand(Platform::Console, 999).await.unwrap(), 0);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM outbox WHERE platform = 'telegram'").await,
        0
    );
    // The moved rows carry every field a direct write would have.
    let row: (Option<String>, String, i64, i64, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT conversation, payload, next_attempt_at, created_at, dedupe_key, ref_key FROM outbox WHERE recipient = 'u10'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let payload = serde_json::to_string(&*reply).unwrap();
    assert_eq!(
        row,
        (None, payload.clone(), later.timestamp_millis(), t0().timestamp_millis(), Some("k10".into()), None)
    );
    let row: (String, i64, Option<String>) = sqlx::query_as(
        "SELECT payload, next_attempt_at, ref_key FROM outbox WHERE recipient = 'u12'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(row, (payload, t0().timestamp_millis(), Some("q:12".into())));

    // Delivered window by window until nothing is staged: each message once, in order.
    let mut total = 0;
    loop {
        sqlx::query("UPDATE outbox SET status = 'sent' WHERE status = 'pending'")
            .execute(store.pool())
            .await
            .unwrap();
        let moved = store.outbox_expand(Platform::Console, 1_000).await.unwrap();
        if moved == 0 {
            break;
        }
        total += moved;
    }
    assert_eq!(total, 3_000 - 998 - 1);
    let all: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE platform = 'console' AND dedupe_key LIKE 'k%' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut want = vec!["u4".to_string()];
    want.extend((0..6_000).step_by(2).filter(|i| *i != 4).map(|i| format!("u{i}")));
    assert_eq!(all, want);
    assert_eq!(store.outbox_pending(Platform::Console, None).await.unwrap(), 0);
    // The batch's variants stay while Telegram still has rows of it, and go with its last.
    assert!(count(&store, "SELECT COUNT(*) FROM outbox_staged_variants").await > 0);
    assert_eq!(store.outbox_expand(Platform::Telegram, 5_000).await.unwrap(), 3_000);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox_staged").await, 0);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox_staged_variants").await, 0);
}

#[tokio::test]
async fn a_second_large_fan_out_queues_behind_the_first_and_each_key_once() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let msgs = |n: usize, text: &str| -> Vec<Outgoing> {
        let reply = Arc::new(Reply::text(text));
        (0..n)
            .map(|i| {
                let mut o = Outgoing::shared(Recipient::direct(console(&format!("u{i}"))), reply.clone());
                o.dedupe_key = Some(format!("k{i}"));
                o
            })
            .collect()
    };
    for (n, text) in [(6_000, "first"), (6_001, "second")] {
        let mut tx = store.begin().await.unwrap();
        tx.outbox_push(msgs(n, text), t0()).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(store.outbox_pending(Platform::Console, None).await.unwrap(), 12_001);
    let mut moved = 0;
    while let n @ 1.. = store.outbox_expand(Platform::Console, 20_000).await.unwrap() {
        moved += n;
    }
    // The second push's keys k0..k5999 were the first's: only its last row is new.
    assert_eq!(moved, 6_001);
    let last: (String, String) =
        sqlx::query_as("SELECT recipient, payload FROM outbox ORDER BY id DESC LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(last, ("u6000".into(), serde_json::to_string(&Reply::text("second")).unwrap()));
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%second%'").await, 1);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox_staged").await, 0);
}

#[tokio::test]
async fn a_reply_in_the_same_write_as_a_large_fan_out_is_not_staged() {
    let Some((url, _dir)) = super::fresh().await else {
        return;
    };
    let store = Db::open(&url).await.unwrap();
    let notice = Arc::new(Reply::text("new job"));
    let mut msgs: Vec<Outgoing> = (0..6_000)
        .map(|i| Outgoing::shared(Recipient::direct(console(&format!("u{i}"))), notice.clone()))
        .collect();
    // A registration answered in the same write group: its chat's order must hold.
    msgs.insert(3, Outgoing::new(Recipient::direct(console("zoe")), Reply::text("已收到")));
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(pending_console(&store).await, ["zoe"]);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox_staged").await, 6_000);
}
