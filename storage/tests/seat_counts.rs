//! A salon read inside a transaction: its seat counts include the registrations the
//! transaction has buffered (the triggers count them only once they are written), while
//! other buffered rows, such as a new member, stay buffered and still land at commit.

use super::common::{salon, Harness};
use yunqi_bot::ids::{Locale, Platform, SalonId, UserRef};
use yunqi_bot::model::{RegStatus, SeatCounts};
use yunqi_bot::ports::{Clock as _, MemberTx, RegistrationTx, SalonTx, Store as _, Tx as _};

fn counts(held: u32, pending: u32) -> SeatCounts {
    SeatCounts {
        held,
        pending,
        waitlisted: 0,
    }
}

/// Approves salon 1's one pending registration; the change stays buffered.
async fn approve_the_pending_one(tx: &mut impl RegistrationTx) {
    let mut r = tx
        .registrations(SalonId(1), &[RegStatus::Pending])
        .await
        .unwrap()
        .remove(0)
        .reg;
    r.status = RegStatus::Approved;
    tx.registration_update(&r).await.unwrap();
}

#[tokio::test]
async fn a_salon_read_counts_buffered_status_changes_and_leaves_new_members_buffered() {
    let h = harness!(Harness::new(vec![salon(5, 0), salon(5, 0)]));
    h.register("carol", 5).await;
    let now = h.clock.now();

    let mut tx = h.store.begin().await.unwrap();
    // A new member first: reading salon 2 needs nothing buffered written.
    let dave = UserRef::new(Platform::Console, "dave");
    let (member, created) = tx.member_for(&dave, Locale::Zh, now).await.unwrap();
    assert!(created);
    let (_, two) = tx.salon_get(SalonId(2)).await.unwrap().unwrap();
    assert_eq!(two, counts(0, 0));

    // Carol approved before salon 1 is read: its counts must show the move.
    approve_the_pending_one(&mut tx).await;
    let (_, one) = tx.salon_get(SalonId(1)).await.unwrap().unwrap();
    assert_eq!(one, counts(1, 0), "the buffered approval is counted");
    tx.commit().await.unwrap();

    let mut tx = h.store.begin().await.unwrap();
    let found = tx.member_find(&dave).await.unwrap();
    assert_eq!(found.map(|m| m.id), Some(member.id), "the new member was written");
    let (_, one) = tx.salon_get(SalonId(1)).await.unwrap().unwrap();
    assert_eq!(one, counts(1, 0));
    tx.rollback().await.unwrap();
    assert_eq!(h.status("carol").await, "approved");
}

#[tokio::test]
async fn the_upcoming_salons_count_a_buffered_approval_too() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("carol", 5).await;
    let now = h.clock.now();

    let mut tx = h.store.begin().await.unwrap();
    approve_the_pending_one(&mut tx).await;
    let upcoming = tx.salons_upcoming(now).await.unwrap();
    tx.rollback().await.unwrap();
    let counted: Vec<_> = upcoming.iter().map(|(s, c)| (s.id, *c)).collect();
    assert_eq!(counted, vec![(SalonId(1), counts(1, 0))]);
}
