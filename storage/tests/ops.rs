//! Failed deliveries (list, retry, the organizers' daily note) and retention, on the real
//! core and SQLite with a manual clock.

use crate::on_sqlite::common::*;
use chrono::Duration;
use yunqi_bot::ids::OutboxId;
use yunqi_bot::ports::{Delivery, DeliveryKind, Settlement, Store};

/// Records an outcome for outbox row `id` at the harness's clock time.
async fn settle(h: &Harness, id: i64, outcome: Delivery) {
    let at = h.clock.now_for_tests();
    h.store
        .outbox_settle(&[Settlement {
            id: OutboxId(id),
            attempts: 1,
            outcome,
            at,
            retry_at: at,
            progress: Default::default(),
        }])
        .await
        .unwrap();
}

async fn row_of(h: &Harness, recipient: &str, like: &str) -> i64 {
    sqlx::query_scalar("SELECT MAX(id) FROM outbox WHERE recipient = ?1 AND payload LIKE ?2")
        .bind(recipient)
        .bind(like)
        .fetch_one(h.store.pool())
        .await
        .unwrap()
}

fn failed(why: &str) -> Delivery {
    Delivery::Failed { error: why.into() }
}

/// Registers and approves `user`; returns the id of their approval message.
async fn approved(h: &Harness, user: &str) -> i64 {
    h.register(user, 5).await;
    h.ask("admin", &format!("/approve 1 {user}")).await;
    row_of(h, user, "%\"invite\":{%").await
}

#[tokio::test]
async fn failed_deliveries_are_listed_with_their_kind_and_reason_and_can_be_queued_again() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    let alice = approved(&h, "alice").await;
    let bob = approved(&h, "bob").await;
    settle(&h, alice, failed("chat not found")).await;
    settle(&h, bob, failed("bot was blocked by the user")).await;

    let list = h.store.outbox_failed(100).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, OutboxId(alice));
    assert_eq!(list[0].to.user.to_string(), "console:alice");
    assert_eq!(list[0].kind, DeliveryKind::Approval);
    assert_eq!(list[0].reason, "chat not found");
    assert!(list[0].failed_at.is_some(), "the time of failure is kept");

    assert_eq!(
        h.store
            .outbox_retry(Some(OutboxId(alice)), h.clock.now_for_tests())
            .await
            .unwrap(),
        1
    );
    let (status, attempts): (String, i64) =
        sqlx::query_as("SELECT status, attempts FROM outbox WHERE id = ?1")
            .bind(alice)
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("pending", 0));
    let due = h
        .store
        .outbox_due(
            yunqi_bot::Platform::Console,
            Some("alice"),
            &[],
            h.clock.now_for_tests(),
            10,
        )
        .await
        .unwrap();
    assert!(
        due.iter().any(|r| r.id == OutboxId(alice)),
        "the dispatcher picks it up again"
    );
    assert_eq!(h.store.outbox_failed(100).await.unwrap().len(), 1);
    assert_eq!(
        h.store
            .outbox_retry(None, h.clock.now_for_tests())
            .await
            .unwrap(),
        1
    );
    assert!(h.store.outbox_failed(100).await.unwrap().is_empty());
    assert_eq!(
        h.store
            .outbox_retry(Some(OutboxId(999)), h.clock.now_for_tests())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn organizers_get_one_note_a_day_about_approvals_that_could_not_be_delivered() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    let alice = approved(&h, "alice").await;
    h.sent().await;
    assert!(h.tick().await.is_empty(), "nothing failed, nothing said");

    settle(&h, alice, failed("chat not found")).await;
    // Not an approval: not in the note.
    let notice = row_of(&h, "admin", "%bob%").await.max(1);
    settle(&h, notice, failed("timeout")).await;
    let sent = h.tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "console:admin");
    assert!(
        sent[0].text.contains("1 条审核通过通知或入群邀请未能送达"),
        "{}",
        sent[0].text
    );
    assert!(
        sent[0].text.contains(&format!("#{alice} console:alice")),
        "{}",
        sent[0].text
    );
    assert!(sent[0].text.contains("chat not found"), "{}", sent[0].text);
    assert!(h.tick().await.is_empty(), "once");

    // Another failure the same day waits for the next day's note.
    let bob = approved(&h, "bob").await;
    h.sent().await;
    settle(&h, bob, failed("blocked")).await;
    assert!(h.tick().await.is_empty(), "one note a day");
    h.advance(Duration::days(1));
    let sent = h.tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].text.contains(&format!("#{bob} console:bob")),
        "{}",
        sent[0].text
    );
    assert!(
        !sent[0].text.contains("console:alice"),
        "reported once: {}",
        sent[0].text
    );
    h.advance(Duration::days(1));
    let notes: Vec<_> = h
        .tick()
        .await
        .into_iter()
        .filter(|s| s.text.contains("未能送达"))
        .collect();
    assert!(notes.is_empty(), "nothing new: {notes:?}");
}

#[tokio::test]
async fn retention_deletes_old_delivered_rows_and_dedup_ids_keeps_failed_and_pending_and_masks_phones(
) {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    h.register("alice", 5).await; // organizer notice with alice's phone, and her answer
    h.register("bob", 5).await;
    for (i, who) in ["dora", "eve"].into_iter().enumerate() {
        let ev = yunqi_bot::Inbound::text(console(who), "/salons").with_event_id(format!("ev{i}"));
        h.core.submit(ev).await.unwrap();
    }
    h.sent().await;
    let notice = row_of(&h, "admin", "%alice%").await;
    let phone = "13800000"; // the harness's phones start so
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE id = ?1")
        .bind(notice)
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert!(payload.contains(phone), "unmasked while queued: {payload}");

    let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(h.store.pool())
        .await
        .unwrap();
    let (kept_failed, kept_pending) = (all[all.len() - 1], all[all.len() - 2]);
    for id in &all {
        if *id == kept_failed {
            settle(&h, *id, failed("gone")).await;
        } else if *id != kept_pending {
            settle(&h, *id, Delivery::Sent { message_id: None }).await;
        }
    }
    // Delivered: phones are masked at once, the rows stay for now.
    let now = h.clock.now_for_tests();
    let p = h
        .store
        .retention_step(now - Duration::days(30), 500)
        .await
        .unwrap();
    assert_eq!((p.outbox, p.inbound), (0, 0), "nothing is old yet");
    assert!(p.redacted >= 1, "{p:?}");
    let payload: String = sqlx::query_scalar("SELECT payload FROM outbox WHERE id = ?1")
        .bind(notice)
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert!(!payload.contains(phone), "masked once delivered: {payload}");
    assert!(payload.contains("alice"), "the rest stays: {payload}");
    assert_eq!(
        h.store.redact_step(500).await.unwrap(),
        (0, 0),
        "caught up: nothing is looked at twice"
    );

    // 31 days later, in batches of 2.
    h.advance(Duration::days(31));
    let cutoff = h.clock.now_for_tests() - Duration::days(30);
    let mut deleted = (0, 0);
    loop {
        let p = h.store.retention_step(cutoff, 2).await.unwrap();
        assert!(p.outbox <= 2 && p.inbound <= 2, "small batches: {p:?}");
        deleted.0 += p.outbox;
        deleted.1 += p.inbound;
        if p.outbox == 0 && p.inbound == 0 {
            break;
        }
    }
    assert_eq!(deleted.0 as usize, all.len() - 2);
    assert!(deleted.1 >= 2, "the registrations' dedup ids: {deleted:?}");
    let left: Vec<(i64, String)> = sqlx::query_as("SELECT id, status FROM outbox ORDER BY id")
        .fetch_all(h.store.pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![
            (kept_pending, "pending".to_string()),
            (kept_failed, "failed".to_string())
        ]
    );
    // New traffic after the purge works and is kept.
    assert!(h.register("carol", 5).await.contains("报名"));
    let p = h.store.retention_step(cutoff, 500).await.unwrap();
    assert_eq!((p.outbox, p.inbound), (0, 0));
}
