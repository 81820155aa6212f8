//! Leases and outbox row claims through the ports, on both backends.

use super::common::*;
use super::Store as Db;
use chrono::Duration as Cd;
use std::sync::Arc;
use yunqi_bot::ids::{OutboxId, Platform};
use yunqi_bot::message::{Outgoing, Reply};
use yunqi_bot::ports::{Leases, OutboxClaims, OutboxTx, Store, Tx};

/// A fresh store, and what keeps its file alive; `None` when the backend is not here.
async fn store() -> Option<(Arc<Db>, Option<tempfile::TempDir>)> {
    let (url, dir) = super::fresh().await?;
    Some((Arc::new(Db::open(&url).await.unwrap()), dir))
}

/// Queues one message per recipient in `to` (in that order); their ids.
pub async fn queue(store: &Db, to: &[&str]) -> Vec<OutboxId> {
    let msgs: Vec<_> = to
        .iter()
        .enumerate()
        .map(|(i, u)| Outgoing::direct(&console(u), Reply::text(format!("m{i}"))))
        .collect();
    let mut tx = store.begin().await.unwrap();
    tx.outbox_push(msgs, t0()).await.unwrap();
    tx.commit().await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM outbox ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    ids[ids.len() - to.len()..]
        .iter()
        .map(|i| OutboxId(*i))
        .collect()
}

#[tokio::test]
async fn a_lease_is_held_by_one_holder_until_it_runs_out() {
    let Some((s, _dir)) = store().await else {
        return;
    };
    let t = t0();
    let ttl = Cd::seconds(15);
    assert!(s.lease_acquire("leader", "a", t, t + ttl).await.unwrap());
    assert!(!s.lease_acquire("leader", "b", t, t + ttl).await.unwrap());
    // a renews; b still cannot take it before the renewed time
    let t1 = t + Cd::seconds(10);
    assert!(s.lease_acquire("leader", "a", t1, t1 + ttl).await.unwrap());
    let t2 = t + Cd::seconds(20);
    assert!(!s.lease_acquire("leader", "b", t2, t2 + ttl).await.unwrap());
    let h = s.lease_holder("leader", t2).await.unwrap().unwrap();
    assert_eq!((h.holder.as_str(), h.until), ("a", t1 + ttl));
    // a stops renewing: once its lease ran out, b takes it and a's renewal is refused
    let t3 = t1 + ttl;
    assert!(s.lease_holder("leader", t3).await.unwrap().is_none());
    assert!(s.lease_acquire("leader", "b", t3, t3 + ttl).await.unwrap());
    assert!(!s.lease_acquire("leader", "a", t3, t3 + ttl).await.unwrap());
    // other names are independent; release hands over at once
    assert!(s
        .lease_acquire("lane:slack", "a", t3, t3 + ttl)
        .await
        .unwrap());
    s.lease_release("leader", "a").await.unwrap(); // not a's: no effect
    assert!(!s.lease_acquire("leader", "a", t3, t3 + ttl).await.unwrap());
    s.lease_release("leader", "b").await.unwrap();
    assert!(s.lease_acquire("leader", "a", t3, t3 + ttl).await.unwrap());
}

#[tokio::test]
async fn claims_keep_a_recipient_with_one_holder_and_run_out() {
    let Some((s, _dir)) = store().await else {
        return;
    };
    let ids = queue(&s, &["x", "x", "y", "z"]).await;
    let (t, until) = (t0(), t0() + Cd::seconds(15));
    let p = Platform::Console;
    // a claims x's first message only
    assert_eq!(
        s.outbox_claim(p, "a", &ids[..1], t, until).await.unwrap(),
        ids[..1]
    );
    // b asks for everything: x stays with a (its second message too), y and z are b's
    let got = s.outbox_claim(p, "b", &ids, t, until).await.unwrap();
    assert_eq!(got, vec![ids[2], ids[3]]);
    // a may claim x's second message (its own recipient), not b's rows
    let got = s.outbox_claim(p, "a", &ids, t, until).await.unwrap();
    assert_eq!(got, vec![ids[0], ids[1]]);
    // a dies: once its claims ran out, b takes x
    let later = until + Cd::milliseconds(1);
    let got = s
        .outbox_claim(p, "b", &ids, later, later + Cd::seconds(15))
        .await
        .unwrap();
    assert_eq!(got, ids);
    // renewal extends b's claims; a cannot take them back
    assert_eq!(
        s.outbox_claims_renew(p, "b", later + Cd::seconds(30))
            .await
            .unwrap(),
        4
    );
    let t2 = later + Cd::seconds(20);
    assert!(s
        .outbox_claim(p, "a", &ids, t2, t2 + Cd::seconds(15))
        .await
        .unwrap()
        .is_empty());
    // unclaimed (settled) rows are free again
    s.outbox_unclaim("b", &ids[2..]).await.unwrap();
    let got = s
        .outbox_claim(p, "a", &ids, t2, t2 + Cd::seconds(15))
        .await
        .unwrap();
    assert_eq!(got, vec![ids[2], ids[3]]);
    // another platform's rows are never claimed under this one
    assert!(s
        .outbox_claim(Platform::Slack, "c", &ids, t2, t2)
        .await
        .unwrap()
        .is_empty());
}
