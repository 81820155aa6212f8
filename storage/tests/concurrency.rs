//! No overbooking, whatever the concurrency; FIFO waitlist; one bad event costs only itself.

use crate::on_sqlite::common::*;
use std::sync::Arc;
use yunqi_bot::Inbound;

fn registration(i: usize) -> Inbound {
    Inbound::text(
        console(&format!("user{i:03}")),
        format!("/register 1 name=U{i} phone=139{i:08} position=dev years=5"),
    )
}

/// Registration ids in FIFO order with their final status.
async fn by_id(h: &Harness) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT id, user_id, status FROM registrations WHERE salon_id = 1 ORDER BY id")
        .fetch_all(h.store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_registrations_and_approvals_fill_twenty_seats_exactly_in_fifo_order(
) {
    let h = Arc::new(harness!(Harness::new(vec![salon(20, 3)])));
    let mut tasks = Vec::new();
    for i in 0..220 {
        let core = h.core.clone();
        tasks.push(tokio::spawn(async move {
            if i % 11 == 5 {
                core.submit(Inbound::text(console("admin"), "/approve 1 all"))
                    .await
            } else {
                core.submit(registration(i)).await
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    h.ask("admin", "/approve 1 all").await;

    let rows = by_id(&h).await;
    assert_eq!(rows.len(), 200);
    let approved: Vec<_> = rows.iter().filter(|r| r.2 == "approved").collect();
    let waitlisted: Vec<_> = rows.iter().filter(|r| r.2 == "waitlisted").collect();
    assert_eq!(approved.len(), 20);
    assert_eq!(waitlisted.len(), 180);
    assert!(
        rows[..20].iter().all(|r| r.2 == "approved"),
        "the first twenty to register got the seats"
    );
    let held: i64 = sqlx::query_scalar("SELECT held FROM salons WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(held, 20, "the seat counter agrees with the rows");

    // Each waitlisted person was told their true place in line.
    let told: Vec<(String, String)> = sqlx::query_as("SELECT recipient, payload FROM outbox WHERE platform = 'console' AND payload LIKE '%候补名单%' ORDER BY id")
        .fetch_all(h.store.pool())
        .await
        .unwrap();
    for (place, (_, user, _)) in waitlisted.iter().enumerate() {
        let (_, payload) = told
            .iter()
            .rev()
            .find(|(r, _)| r == user)
            .unwrap_or_else(|| panic!("{user} was told"));
        assert!(
            payload.contains(&format!("第 {} 位", place + 1)),
            "{user}: {payload}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_on_one_database_file_still_never_overbook() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    let other = harness!(Harness::open(&h.path, t0()));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let core = if i % 2 == 0 {
            h.core.clone()
        } else {
            other.core.clone()
        };
        tasks.push(tokio::spawn(async move {
            core.submit(registration(i)).await.unwrap();
            if i % 10 == 0 {
                core.submit(Inbound::text(console("admin"), "/approve 1 all"))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    other.ask("admin", "/approve 1 all").await;
    let rows = by_id(&h).await;
    assert_eq!(rows.iter().filter(|r| r.2 == "approved").count(), 20);
    assert!(rows[..20].iter().all(|r| r.2 == "approved"));
    assert_eq!(rows.iter().filter(|r| r.2 == "waitlisted").count(), 180);
}

#[tokio::test]
async fn the_database_itself_refuses_more_seats_than_the_capacity() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    h.register("a", 5).await;
    h.register("b", 5).await;
    h.ask("admin", "/approve 1 a").await;
    let err = sqlx::query("UPDATE registrations SET status = 'approved' WHERE user_id = 'b'")
        .execute(h.store.pool())
        .await;
    assert!(err.is_err_and(|e| e.to_string().contains("CHECK constraint")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_event_rolls_back_alone_and_its_messages_are_never_sent() {
    let h = Arc::new(harness!(Harness::new(vec![salon(20, 0)])));
    // Fault injection: any decision write fails, so every approval fails midway.
    sqlx::query("CREATE TRIGGER injected BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
        .execute(h.store.pool())
        .await
        .unwrap();
    for i in 0..3 {
        h.core.submit(registration(i)).await.unwrap();
    }
    h.sent().await;
    let mut tasks = Vec::new();
    for i in 3..40 {
        let core = h.core.clone();
        tasks.push(tokio::spawn(async move {
            core.submit(registration(i)).await.is_ok()
        }));
    }
    let approve = h
        .core
        .submit(Inbound::text(console("admin"), "/approve 1 all"))
        .await;
    for t in tasks {
        assert!(
            t.await.unwrap(),
            "the other events in the batch went through"
        );
    }
    assert!(approve.is_err());
    let rows = by_id(&h).await;
    assert_eq!(rows.len(), 40);
    assert!(
        rows.iter().all(|r| r.2 == "pending"),
        "the approval left no trace"
    );
    let sent = h.sent().await;
    assert!(
        !sent.iter().any(|s| s.text.contains("已通过")),
        "nothing is sent for a change that rolled back"
    );
    assert!(
        sent.iter()
            .any(|s| s.to == "console:admin" && s.text.contains("出了点问题")),
        "the organizer is told"
    );
}
