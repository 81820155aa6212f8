//! Personal tickets: issued with an approval or a claimed offer, sent again by `/ticket`,
//! checked in by an organizer (issue 12).

use super::common::{salon, Harness};
use chrono::Duration;

/// The ticket code in a message: `票码：K7Q2-M9XD`.
fn ticket_in(text: &str) -> Option<String> {
    let after = text.split("票码：").nth(1)?;
    Some(after.chars().take(9).collect())
}

/// Approves `user`; returns their ticket code after checking the QR code came with it.
async fn approve(h: &Harness, user: &str) -> String {
    let sent = h.say("admin", &format!("/approve 1 {user}")).await;
    let to_user: Vec<_> = sent
        .iter()
        .filter(|s| s.to == format!("console:{user}"))
        .collect();
    assert_eq!(to_user.len(), 2, "approval and ticket: {to_user:?}");
    let code = ticket_in(&to_user[0].text).expect("the approval names the ticket");
    assert_eq!(ticket_in(&to_user[1].text).as_deref(), Some(code.as_str()));
    assert_png(&to_user[1].reply);
    code
}

fn assert_png(r: &yunqi_bot::message::Reply) {
    let a = r.attachment.as_ref().expect("the QR code is attached");
    assert!(a.is_image(), "{}", a.mime);
    // Stored as the code to draw; drawn as a PNG at delivery.
    assert!(a.qr, "drawn at delivery, not in the writer");
    let bytes = a
        .drawn()
        .expect("the QR code encodes")
        .bytes()
        .expect("base64 decodes");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

/// Inside the check-in window of the test salon (it starts at t0 + 52 h).
fn at_the_door(h: &Harness) {
    h.advance(Duration::hours(51) + Duration::minutes(3));
}

#[tokio::test]
async fn approval_carries_a_unique_ticket_and_slash_ticket_sends_the_same_again() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("a", 5).await;
    h.register("b", 5).await;
    let a = approve(&h, "a").await;
    let b = approve(&h, "b").await;
    assert_ne!(a, b);
    let normalized = yunqi_bot::ticket::normalize(&a).expect("ticket-shaped");
    assert_eq!(a, yunqi_bot::ticket::display(&normalized));
    let again = h.say("a", "/门票 1").await;
    assert_eq!(again.len(), 1);
    assert_eq!(ticket_in(&again[0].text).as_deref(), Some(a.as_str()));
    assert_png(&again[0].reply);
    // Registrations 1 and 2 are in one block: their codes begin alike, so they sit side
    // by side in the code's index; the other six characters differ.
    assert_eq!(a[..2], b[..2]);
    let found: i64 = sqlx::query_scalar("SELECT registration_id FROM tickets WHERE code = $1")
        .bind(&normalized)
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(found, 1);
    // No approved registration, no ticket.
    h.register("c", 5).await;
    let none = h.ask("c", "/ticket 1").await;
    assert!(none.contains("没有门票"), "{none}");
}

#[tokio::test]
async fn auto_approval_and_a_claimed_offer_issue_tickets_and_a_cancelled_ones_stops() {
    let mut s = salon(1, 0);
    s.auto_approve = true;
    let h = harness!(Harness::new(vec![s]));
    let first = h
        .say(
            "a",
            "/register 1 name=a phone=13800001111 position=dev years=3",
        )
        .await;
    let code_a = first
        .iter()
        .find_map(|s| ticket_in(&s.text))
        .expect("auto-approved ticket");
    h.register("b", 3).await;
    assert_eq!(h.status("b").await, "waitlisted");
    h.ask("a", "/cancel 1").await;
    assert_eq!(h.status("b").await, "offered");
    let claimed = h.say("b", "/confirm 1").await;
    let code_b = claimed
        .iter()
        .find_map(|s| ticket_in(&s.text))
        .expect("claim ticket");
    assert!(claimed
        .iter()
        .any(|s| s.reply.attachment.as_ref().is_some_and(|a| a.is_image())));
    assert_ne!(code_a, code_b);
    at_the_door(&h);
    let dead = h.ask("admin", &format!("/checkin {code_a}")).await;
    assert!(dead.contains("已失效"), "{dead}");
    assert_eq!(h.status("a").await, "cancelled");
    let ok = h
        .ask(
            "admin",
            &format!("/签到 {}", code_b.to_lowercase().replace('-', " ")),
        )
        .await;
    assert!(ok.contains("已签到：b（138****"), "{ok}");
    assert_eq!(h.status("b").await, "checked_in");
}

#[tokio::test]
async fn check_in_by_ticket_valid_twice_unknown_and_for_members() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("g", 5).await;
    let code = approve(&h, "g").await;
    // Before the window: not yet.
    let early = h.ask("admin", &format!("/checkin {code}")).await;
    assert!(early.contains("签到从"), "{early}");
    at_the_door(&h);
    // A member cannot check in with a ticket (theirs or anyone's).
    let member = h.ask("g", &format!("/checkin {code}")).await;
    assert!(member.contains("组织者扫描"), "{member}");
    assert_eq!(h.status("g").await, "approved");
    let sent = h.say("admin", &format!("/checkin {code}")).await;
    let to_admin = sent
        .iter()
        .find(|s| s.to == "console:admin")
        .expect("answer");
    assert!(
        to_admin.text.contains("已签到：g（138****"),
        "{}",
        to_admin.text
    );
    assert!(
        !to_admin.text.contains("13800"),
        "phone masked: {}",
        to_admin.text
    );
    assert!(sent
        .iter()
        .any(|s| s.to == "console:g" && s.text.contains("签到成功")));
    assert_eq!(h.status("g").await, "checked_in");
    let twice = h.ask("admin", &format!("/checkin {code}")).await;
    // 13:03 in Shanghai (an hour before the start), by whom.
    assert!(
        twice.contains("已签到过") && twice.contains("13:03") && twice.contains("console:admin"),
        "{twice}"
    );
    let unknown = h.ask("admin", "/checkin 2345-6789").await;
    assert!(unknown.contains("票码无效"), "{unknown}");
    let (method, actor): (String, String) = sqlx::query_as("SELECT method, actor FROM checkins")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(
        (method.as_str(), actor.as_str()),
        ("ticket", "console:admin")
    );
}

#[tokio::test]
async fn a_ticket_for_another_salon_is_refused_at_this_ones_door() {
    let mut later = salon(5, 0);
    later.starts_at += Duration::days(7);
    later.ends_at += Duration::days(7);
    let h = harness!(Harness::new(vec![salon(5, 0), later]));
    h.ask(
        "g",
        "/register 2 name=g phone=13800002222 position=dev years=5",
    )
    .await;
    let sent = h.say("admin", "/approve 2 g").await;
    let code = sent
        .iter()
        .find_map(|s| ticket_in(&s.text))
        .expect("ticket for #2");
    at_the_door(&h);
    let other = h.ask("admin", &format!("/checkin {code}")).await;
    assert!(other.contains("这是 #2") && other.contains("#1"), "{other}");
}

#[tokio::test]
async fn wrong_ticket_codes_lock_the_organizer_for_ten_minutes() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("g", 5).await;
    let code = approve(&h, "g").await;
    at_the_door(&h);
    for i in 0..5 {
        let a = h
            .ask("admin", &format!("/checkin 2345-67{}{}", 8, 2 + i))
            .await;
        assert!(a.contains("票码无效"), "try {i}: {a}");
    }
    let locked = h.ask("admin", &format!("/checkin {code}")).await;
    assert!(locked.contains("稍后再试"), "{locked}");
    assert_eq!(h.status("g").await, "approved");
    h.advance(Duration::minutes(11));
    let ok = h.ask("admin", &format!("/checkin {code}")).await;
    assert!(ok.contains("已签到："), "{ok}");
}

#[tokio::test]
async fn settling_counts_ticket_code_and_manual_check_ins_each_recorded_as_such() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    for u in ["t", "c", "m", "n"] {
        h.register(u, 5).await;
    }
    let ticket = approve(&h, "t").await;
    for u in ["c", "m", "n"] {
        approve(&h, u).await;
    }
    let shared = h
        .ask("admin", "/checkin-code 1")
        .await
        .split("签到码：")
        .nth(1)
        .map(|s| s.chars().take(6).collect::<String>())
        .expect("code");
    at_the_door(&h);
    h.ask("admin", &format!("/checkin {ticket}")).await;
    h.ask("c", &format!("/checkin {shared}")).await;
    h.ask("admin", "/checkin 1 m").await;
    h.advance(Duration::hours(4));
    h.tick().await;
    for u in ["t", "c", "m"] {
        assert_eq!(h.status(u).await, "checked_in", "{u}");
    }
    assert_eq!(h.status("n").await, "no_show");
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT method, actor FROM checkins ORDER BY at, registration_id")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
    let want = [
        ("ticket", "console:admin"),
        ("code", "console:c"),
        ("manual", "console:admin"),
    ];
    let got: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(got, want);
}
