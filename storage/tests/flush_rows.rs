//! A write group's reads and writes in one round trip each on SQLite (`tx/flush.rs`,
//! `prefetch_all` in `tx/mod.rs`), on both backends: what the prefetch finds is what the
//! transaction then answers from its cache; what a transaction buffered lands as written,
//! text that JSON must escape and absent fields included (the outbox's rows:
//! `fanout_rows.rs`).

use super::common::*;
use yunqi_bot::dialogue::{Answers, Dialogue, Field};
use yunqi_bot::ids::{Locale, Platform, RegistrationId, SalonId, UserRef};
use yunqi_bot::model::RegStatus;
use yunqi_bot::ports::{MemberTx, RegistrationTx, SalonTx, Store, TicketTx, Tx};
use yunqi_bot::validate::{PersonName, Phone, Position, Years};

/// Text JSON escapes (quotes, backslash) and text it keeps as is (CJK, an apostrophe, an
/// emoji).
const ODD: &str = "王\"小明\" \\ O'Neil 🚀";

/// Salon 1's registration dialogue, asking for `asking`.
fn registering(answers: Answers, asking: Field) -> Dialogue {
    Dialogue::Register {
        salon: SalonId(1),
        answers,
        asking,
    }
}

#[tokio::test]
async fn members_accounts_registrations_and_dialogues_land_as_buffered() {
    let Some(h) = Harness::new(vec![salon(5, 0)]).await else {
        return;
    };
    let now = h.clock.now_for_tests();
    let odd = UserRef::new(Platform::Slack, "U\"1\\x");
    let plain = console("plain");
    let named = Answers {
        name: Some(PersonName::parse(ODD).unwrap()),
        ..Answers::default()
    };
    let asking = registering(named, Field::Phone);

    // `plain` has a dialogue from before; this transaction drops it.
    let mut tx = h.store.begin().await.unwrap();
    tx.member_for(&plain, Locale::Zh, now).await.unwrap();
    tx.dialogue_put(&plain, &asking, now).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = h.store.begin().await.unwrap();
    let (mut m, created) = tx.member_for(&odd, Locale::En, now).await.unwrap();
    assert!(created);
    m.name = Some(PersonName::parse(ODD).unwrap());
    m.phone = Some(Phone::parse("13900001111").unwrap());
    m.position = Some(Position::parse("后端 \"lead\"").unwrap());
    m.years = Years::new(7);
    tx.member_save(&m).await.unwrap();
    let reg = tx
        .registration_insert(SalonId(1), m.id, &odd, RegStatus::Pending, now)
        .await
        .unwrap();
    tx.dialogue_put(&odd, &asking, now).await.unwrap();
    tx.dialogue_delete(&plain).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = h.store.begin().await.unwrap();
    assert_eq!(tx.member_find(&odd).await.unwrap(), Some(m.clone()));
    assert_eq!(tx.member_accounts(m.id).await.unwrap(), std::slice::from_ref(&odd));
    assert_eq!(tx.dialogue_get(&odd).await.unwrap(), Some(asking));
    assert_eq!(tx.dialogue_get(&plain).await.unwrap(), None);
    let latest = tx.registration_latest(SalonId(1), m.id).await.unwrap();
    assert_eq!(latest.map(|r| (r.id, r.account, r.status)), Some((reg.id, odd, RegStatus::Pending)));
    let (_, seats) = tx.salon_get(SalonId(1)).await.unwrap().unwrap();
    assert_eq!(seats.pending, 1, "the trigger counted the new registration");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn a_statement_failing_mid_flush_leaves_none_of_the_groups_rows() {
    let Some(h) = Harness::new(vec![salon(5, 0)]).await else {
        return;
    };
    h.register("carol", 5).await;
    let now = h.clock.now_for_tests();
    let carol = RegistrationId(1);
    let mut tx = h.store.begin().await.unwrap();
    tx.ticket_issue(carol, "ABCD2345", now).await.unwrap();
    tx.commit().await.unwrap();

    // A new member, account and registration go before the tickets; the duplicate code
    // fails the tickets' statement, and nothing of the group may stay.
    let dave = console("dave");
    let mut tx = h.store.begin().await.unwrap();
    let (m, _) = tx.member_for(&dave, Locale::Zh, now).await.unwrap();
    let reg = tx
        .registration_insert(SalonId(1), m.id, &dave, RegStatus::Pending, now)
        .await
        .unwrap();
    tx.ticket_issue(reg.id, "ABCD2345", now).await.unwrap();
    assert!(tx.commit().await.is_err(), "a duplicate code is refused");

    let mut tx = h.store.begin().await.unwrap();
    assert_eq!(tx.member_find(&dave).await.unwrap(), None);
    assert_eq!(tx.ticket_of(reg.id).await.unwrap(), None);
    let (_, seats) = tx.salon_get(SalonId(1)).await.unwrap().unwrap();
    assert_eq!(seats.pending, 1, "carol only");
    tx.rollback().await.unwrap();
    assert_eq!(h.count("pending").await, 1);
}

#[tokio::test]
async fn the_prefetch_finds_accounts_dialogues_events_and_the_next_ids() {
    let Some(h) = Harness::new(vec![salon(5, 0)]).await else {
        return;
    };
    let now = h.clock.now_for_tests();
    let known = UserRef::new(Platform::Slack, "U\"known");
    let fresh = console("fresh");
    let asking = registering(Answers::default(), Field::Name);
    let mut tx = h.store.begin().await.unwrap();
    let (m, _) = tx.member_for(&known, Locale::Zh, now).await.unwrap();
    tx.dialogue_put(&known, &asking, now).await.unwrap();
    assert!(tx.first_sighting(Platform::Slack, "Ev\"1", now).await.unwrap());
    let reg = tx
        .registration_insert(SalonId(1), m.id, &known, RegStatus::Pending, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Whatever the prefetch did not find, the transaction takes as absent from then on.
    let mut tx = h.store.begin().await.unwrap();
    let users = [known.clone(), fresh.clone()];
    let events = [
        (Platform::Slack, "Ev\"1".to_string()),
        (Platform::Slack, "Ev2".to_string()),
    ];
    tx.prefetch(&users, &events).await.unwrap();
    assert_eq!(tx.member_find(&known).await.unwrap().map(|k| k.id), Some(m.id));
    assert_eq!(tx.dialogue_get(&known).await.unwrap(), Some(asking));
    assert_eq!(tx.member_find(&fresh).await.unwrap(), None);
    assert!(!tx.first_sighting(Platform::Slack, "Ev\"1", now).await.unwrap(), "seen");
    assert!(tx.first_sighting(Platform::Slack, "Ev2", now).await.unwrap(), "new");
    // The ids handed out next follow the committed ones.
    let (f, created) = tx.member_for(&fresh, Locale::Zh, now).await.unwrap();
    assert!(created);
    assert_eq!(f.id.0, m.id.0 + 1);
    let r = tx
        .registration_insert(SalonId(1), f.id, &fresh, RegStatus::Pending, now)
        .await
        .unwrap();
    assert_eq!(r.id.0, reg.id.0 + 1);
    tx.commit().await.unwrap();
    assert_eq!(h.count("pending").await, 2);
}
