//! The guest lists (web console and `/attendees`) are read as one JSON row: every field of
//! every guest comes back, in registration order, and an empty list is empty.

use super::common::{salon, Harness};
use yunqi_bot::ids::SalonId;
use yunqi_bot::model::RegStatus;
use yunqi_bot::ports::{RegistrationTx, Store as _, Tx as _};

#[tokio::test]
async fn both_guest_lists_carry_every_guest_in_registration_order() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    for g in ["carol", "alice", "bob"] {
        h.register(g, 5).await;
    }
    h.ask("admin", "/approve 1 alice").await;

    let mut tx = h.store.begin().await.unwrap();
    let rows = tx
        .registrations(SalonId(1), &[RegStatus::Pending, RegStatus::Approved])
        .await
        .unwrap();
    let none = tx
        .registrations(SalonId(1), &[RegStatus::Waitlisted])
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.member.name.as_ref().map(|n| n.as_str().to_string()),
                r.reg.status,
                r.reg.account.id.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (Some("carol".into()), RegStatus::Pending, "carol".to_string()),
            (Some("alice".into()), RegStatus::Approved, "alice".to_string()),
            (Some("bob".into()), RegStatus::Pending, "bob".to_string()),
        ]
    );
    assert!(rows.windows(2).all(|w| w[0].reg.id.0 < w[1].reg.id.0));
    assert!(rows.iter().all(|r| r.member.phone.is_some() && r.reg.salon == SalonId(1)));
    assert!(none.is_empty());

    let guests = h.store.console_guests(1).await.unwrap();
    let seen: Vec<_> = guests
        .iter()
        .map(|g| (g.name.as_deref(), g.status.as_str(), g.user_id.as_str(), g.no_shows))
        .collect();
    assert_eq!(
        seen,
        vec![
            (Some("carol"), "pending", "carol", 0),
            (Some("alice"), "approved", "alice", 0),
            (Some("bob"), "pending", "bob", 0),
        ]
    );
    assert!(guests
        .iter()
        .all(|g| g.platform == "console" && g.phone.as_deref().is_some_and(|p| p.starts_with("1380000")) && g.years == Some(5)));
    assert!(guests.windows(2).all(|w| w[0].registration < w[1].registration));
    assert!(h.store.console_guests(99).await.unwrap().is_empty());
}
