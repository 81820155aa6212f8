//! Feedback after a salon (issue 12): asked once of checked-in people when it ends, a
//! durable dialogue, the organizers' summary and the export rows.

use super::common::*;
use chrono::Duration;

/// a, b checked in; c a no-show; d rejected; e cancelled. The clock is during the salon.
async fn held_salon() -> Option<Harness> {
    let h = Harness::new(vec![salon(5, 0)]).await?;
    for u in ["a", "b", "c", "d", "e"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 a b c e").await;
    h.ask("admin", "/reject 1 d 名额保留给讲者").await;
    h.ask("e", "/cancel 1").await;
    // The salon runs t0 + 52 h .. t0 + 55 h.
    h.advance(Duration::hours(53));
    for u in ["a", "b"] {
        let ok = h.ask("admin", &format!("/checkin 1 {u}")).await;
        assert!(!ok.is_empty(), "{ok}");
        assert_eq!(h.status(u).await, "checked_in");
    }
    Some(h)
}

fn to(sent: &[Sent]) -> Vec<&str> {
    let mut v: Vec<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn only_checked_in_people_are_asked_once_when_the_salon_ends() {
    let h = harness!(held_salon());
    assert!(h.tick().await.is_empty(), "not before the end");
    h.advance(Duration::hours(3));
    let sent = h.tick().await;
    assert_eq!(to(&sent), vec!["console:a", "console:b"], "{sent:?}");
    for s in &sent {
        assert!(s.text.contains("打分"), "{}", s.text);
        assert!(s.reply.private);
        assert_eq!(
            s.commands,
            (1..=5)
                .map(|n| format!("/feedback 1 {n}"))
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(h.status("c").await, "no_show");
    assert!(h.tick().await.is_empty(), "never twice");

    for u in ["c", "d", "e", "stranger"] {
        let no = h.ask(u, "/feedback 1").await;
        assert!(no.contains("只有签到参加"), "{u}: {no}");
    }
    assert!(h.store.export_feedback(1).await.unwrap().is_empty());
}

#[tokio::test]
async fn answers_are_re_asked_when_bad_and_summed_up_for_organizers() {
    let h = harness!(held_salon());
    h.advance(Duration::hours(3));
    h.tick().await;

    let again = h.ask("b", "great").await;
    assert!(again.contains("没看懂") && again.contains("1–5"), "{again}");
    let q = h.ask("b", "４").await;
    assert!(q.contains("建议"), "{q}");
    let bad = h.ask("b", "x\u{7}y").await;
    assert!(bad.contains("控制字符") && bad.contains("建议"), "{bad}");
    assert!(h.ask("b", "-").await.contains("谢谢"));
    h.advance(Duration::minutes(5));

    // A button press carries the rating; the English speaker is asked in English.
    h.ask("a", "/lang en").await;
    let q = h.ask("a", "/feedback 1 5").await;
    assert!(q.contains("suggestions"), "{q}");
    let thanks = h
        .ask("a", "More hands-on time; call me at 138 1234 5678")
        .await;
    assert!(thanks.contains("Thank you"), "{thanks}");
    assert!(h.ask("a", "/feedback 1").await.contains("already"));
    assert!(
        h.ask("a", "5").await.contains("/help"),
        "the dialogue is over: plain text is chatter again"
    );

    let summary = h.ask("admin", "/feedback 1").await;
    assert!(summary.contains("已回答 2 / 已邀请 2"), "{summary}");
    assert!(summary.contains("平均 4.5"), "{summary}");
    assert!(
        summary.contains("5★ █ 1") && summary.contains("4★ █ 1"),
        "{summary}"
    );
    assert!(summary.contains("More hands-on time"), "{summary}");
    assert!(!summary.contains("5678"), "phone masked: {summary}");

    let rows = h.store.export_feedback(1).await.unwrap();
    let got: Vec<(&str, i64, &str)> = rows
        .iter()
        .map(|r| (r.user.as_str(), r.rating, r.comment.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("b", 4, ""),
            ("a", 5, "More hands-on time; call me at 138 1234 5678")
        ]
    );
    assert!(rows.iter().all(|r| r.platform == "console" && r.salon == 1));
}

#[tokio::test]
async fn a_half_answered_feedback_resumes_after_a_restart() {
    let h = harness!(held_salon());
    h.advance(Duration::hours(3));
    h.tick().await;
    assert!(h.ask("a", "3").await.contains("建议"));

    let path = h.path.clone();
    let now = h.clock.now_for_tests();
    drop(h.core);
    let h2 = harness!(Harness::open(&path, now));
    assert!(
        h2.tick().await.is_empty(),
        "not asked again after a restart"
    );
    assert!(h2.ask("a", "多一点动手环节").await.contains("谢谢"));
    // b never answered the pushed question: `/反馈 1` resumes it at the rating.
    let q = h2.ask("b", "/反馈 1").await;
    assert!(q.contains("打分"), "{q}");
    assert!(h2.ask("b", "2").await.contains("建议"));

    let rows = h2.store.export_feedback(1).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].rating, rows[0].comment.as_str()),
        (3, "多一点动手环节")
    );
    assert_eq!((rows[1].rating, rows[1].comment.as_str()), (2, ""));
    let summary = h2.ask("admin", "/feedback 1").await;
    assert!(summary.contains("已回答 2 / 已邀请 2"), "{summary}");
}

#[tokio::test]
async fn feedback_waits_for_the_end_and_spares_a_dialogue_in_progress() {
    let h = harness!(held_salon());
    let early = h.ask("a", "/feedback 1").await;
    assert!(early.contains("结束后"), "{early}");
    // b is in the middle of posting a job when the salon ends.
    assert!(!h.ask("b", "/post").await.is_empty());
    h.advance(Duration::hours(3));
    let sent = h.tick().await;
    assert_eq!(to(&sent), vec!["console:a", "console:b"]);
    let reply = h.ask("b", "3").await;
    assert!(
        !reply.contains("建议"),
        "the job dialogue keeps its place: {reply}"
    );
    h.ask("b", "/cancel").await;
    assert!(h.ask("b", "/feedback 1 3").await.contains("建议"));
}
