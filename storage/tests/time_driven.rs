//! Claim windows, reminders and no-shows, driven through the clock port (no sleeps).

use super::common::*;
use chrono::Duration;

#[tokio::test]
async fn an_unclaimed_offer_expires_and_moves_to_the_next_waitlisted_person() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    for u in ["a", "b", "c"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 all").await;
    h.ask("a", "/cancel 1").await;
    assert_eq!(h.status("b").await, "offered");

    h.advance(Duration::hours(11));
    assert!(
        h.tick().await.iter().all(|s| s.to != "console:c"),
        "still inside b's window"
    );
    assert_eq!(h.status("b").await, "offered");

    h.advance(Duration::hours(1));
    let sent = h.tick().await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:b" && s.text.contains("已过领取时间")));
    assert!(sent
        .iter()
        .any(|s| s.to == "console:c" && s.text.contains("/确认 1")));
    assert_eq!(h.status("b").await, "cancelled");
    assert_eq!(h.status("c").await, "offered");
    assert!(
        h.ask("b", "/confirm 1").await.contains("没有待领取"),
        "too late for b"
    );
    assert!(h.tick().await.is_empty(), "a second tick changes nothing");
}

#[tokio::test]
async fn reminders_go_to_approved_attendees_only_once_each_even_across_a_restart() {
    let h = harness!(Harness::new(vec![salon(3, 0)]));
    for u in ["in", "wait", "pend"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 in").await;
    h.ask("admin", "/reject 1 wait 名额保留给讲者").await;
    // Salon starts Saturday 14:00 Shanghai = 06:00 UTC; t0 is Thursday 02:00 UTC.
    h.advance(Duration::hours(27));
    assert!(h.tick().await.is_empty(), "25 h before: nothing yet");
    h.advance(Duration::hours(1));
    let sent = h.tick().await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].to, "console:in");
    assert!(sent[0].text.contains("约 24 小时后"), "{}", sent[0].text);
    assert!(h.tick().await.is_empty(), "once");

    // A restart on the same file, then the 2 h reminder, once.
    let path = h.path.clone();
    let now = h.clock.now_for_tests();
    drop(h.core);
    let h2 = harness!(Harness::open(&path, now));
    assert!(h2.tick().await.is_empty(), "no repeat after restart");
    h2.advance(Duration::hours(22));
    let sent = h2.tick().await;
    assert_eq!(
        sent.iter().map(|s| s.to.as_str()).collect::<Vec<_>>(),
        vec!["console:in"]
    );
    assert!(sent[0].text.contains("约 2 小时后"), "{}", sent[0].text);
    assert!(h2.tick().await.is_empty());
}

#[tokio::test]
async fn a_late_start_sends_only_the_nearest_reminder() {
    let h = harness!(Harness::new(vec![salon(3, 0)]));
    h.register("late", 5).await;
    h.ask("admin", "/approve 1 late").await;
    // First tick 90 minutes before the start: the 24 h one was missed, only the 2 h one goes.
    h.advance(Duration::hours(50) + Duration::minutes(30));
    let sent = h.tick().await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].text.contains("约 2 小时后"), "{}", sent[0].text);
}

#[tokio::test]
async fn after_the_salon_no_shows_are_recorded_and_shown_to_organizers_next_time() {
    let mut second = salon(5, 0);
    second.starts_at += Duration::days(7);
    second.ends_at += Duration::days(7);
    let h = harness!(Harness::new(vec![salon(5, 0), second]));
    for u in ["came", "skipped"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 all").await;
    let code = h
        .ask("admin", "/checkin-code 1")
        .await
        .split("签到码：")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect::<String>();
    h.advance(Duration::hours(52));
    h.ask("came", &format!("/checkin {code}")).await;
    h.advance(Duration::hours(4));
    h.tick().await;
    assert_eq!(h.status("came").await, "checked_in");
    assert_eq!(h.status("skipped").await, "no_show");
    let sent = h.say("skipped", "/register 2").await;
    let note = sent
        .iter()
        .find(|s| s.to == "console:admin")
        .expect("organizers are told");
    assert!(note.text.contains("以往爽约 1 次"), "{}", note.text);
    let sent = h.say("came", "/register 2").await;
    assert!(!sent.iter().any(|s| s.text.contains("爽约")));
    assert!(h.ask("x", "/register 1").await.contains("已经开始或结束"));
}

#[tokio::test]
async fn a_dialogue_interrupted_by_a_restart_resumes_at_the_same_question() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.ask("ann", "/register 1").await;
    h.ask("ann", "安").await;
    let path = h.path.clone();
    let now = h.clock.now_for_tests();
    drop(h.core);
    let h2 = harness!(Harness::open(&path, now));
    let reply = h2.ask("ann", "not-a-phone").await;
    assert!(
        reply.contains("请输入您的手机号"),
        "the phone question again: {reply}"
    );
    h2.ask("ann", "13700000000").await;
    h2.ask("ann", "PM").await;
    assert!(h2.ask("ann", "4").await.contains("等待组织者审核"));
}
