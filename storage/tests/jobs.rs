//! Job announcements through the real core and SQLite (product.md §2).

use super::common::*;
use chrono::Duration;
use std::collections::HashSet;
use yunqi_bot::{Platform, UserRef};

const POST: &str = r#"/post title="Rust CLI tool" description="把 CSV 转成报表，联系我 13800001111" tags=Rust,CLI budget=5000-8000 deadline=2027-01-31 acceptance="runs on linux""#;

async fn subscribed(h: &Harness, who: &UserRef, tags: &str) {
    let sent = h.say_as(who, &format!("/subscribe {tags}")).await;
    assert!(
        sent.iter()
            .any(|s| s.text.contains("已订阅") || s.text.contains("Subscribed")),
        "{sent:?}"
    );
}

fn slack(id: &str) -> UserRef {
    UserRef::new(Platform::Slack, id)
}

#[tokio::test]
async fn a_published_job_notifies_every_matching_subscriber_once_on_their_platform_and_language() {
    let h = harness!(Harness::new(vec![]));
    subscribed(&h, &console("rustacean"), "rust").await;
    subscribed(&h, &slack("U1"), "cli go").await;
    h.say_as(&slack("U1"), "/lang en").await;
    subscribed(&h, &console("designer"), "figma").await;
    subscribed(&h, &console("client"), "rust").await;
    let sent = h.say("client", POST).await;
    let to: HashSet<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    assert!(to.contains("console:rustacean") && to.contains("slack:U1"));
    assert!(!to.contains("console:designer"), "no matching tag");
    assert_eq!(
        sent.iter().filter(|s| s.to == "console:client").count(),
        1,
        "the client gets the confirmation, not a notification"
    );
    let en = sent.iter().find(|s| s.to == "slack:U1").unwrap();
    assert!(
        en.text.starts_with("📢 New job #1 Rust CLI tool"),
        "{}",
        en.text
    );
    assert!(en.text.contains("#rust #cli") && en.text.contains("¥5000–8000"));
    let zh = sent.iter().find(|s| s.to == "console:rustacean").unwrap();
    assert!(zh.text.contains("新需求"), "{}", zh.text);
    assert_eq!(zh.commands, vec!["/job 1"]);
    // Exactly once: the rows are keyed, a repeat of the fan-out writes nothing.
    let keys: Vec<Option<String>> =
        sqlx::query_scalar("SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'job1:notify:%'")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
    assert_eq!(keys.len(), 2);
}

#[tokio::test]
async fn bad_fields_are_re_asked_with_the_reason_in_the_post_dialogue() {
    let h = harness!(Harness::new(vec![]));
    // The interview asks the kind of work first (issue 17), then the title as before.
    assert!(h.ask("c", "/发需求").await.contains("需求类型"));
    assert!(h.ask("c", "小程序").await.contains("需求标题"));
    h.ask("c", "小程序商城").await;
    h.ask("c", "需要一个微信小程序商城").await;
    let bad_tags = h.ask("c", "小程序!").await;
    assert!(bad_tags.contains("标签只能包含"), "{bad_tags}");
    assert!(h.ask("c", "小程序, 前端").await.contains("预算"));
    let bad_budget = h.ask("c", "8000-5000").await;
    assert!(
        bad_budget.contains("下限不能高于上限") && bad_budget.contains("预算范围"),
        "{bad_budget}"
    );
    assert!(h.ask("c", "1万-2万").await.contains("截止日期"));
    assert!(h.ask("c", "2020-01-01").await.contains("必须在今天之后"));
    // Then the spec questions, each of which may be answered "unsure", up to acceptance.
    let mut next = h.ask("c", "6周").await;
    let mut asked = 0;
    while !next.contains("验收标准：") {
        assert!(next.contains("不确定"), "{next}");
        next = h.ask("c", "不确定").await;
        asked += 1;
        assert!(asked < 20, "{next}");
    }
    let review = h.ask("c", "能下单能支付").await;
    assert!(review.contains("就绪度"), "{review}");
    let done = h.ask("c", "确定发布").await;
    assert!(done.contains("需求 #1 已发布"), "{done}");
    let detail = h.ask("x", "/job 1").await;
    assert!(
        detail.contains("#miniprogram #frontend")
            && detail.contains("¥10000–20000")
            && detail.contains("2027-01-07"),
        "{detail}"
    );
}

#[tokio::test]
async fn with_moderation_a_job_waits_for_an_operator_before_anyone_hears_of_it() {
    let mut cfg = engine_config();
    cfg.jobs.moderation = true;
    cfg.jobs.operators.insert(console("op"));
    let h = harness!(Harness::with_config(vec![], cfg));
    subscribed(&h, &console("dev"), "rust").await;
    let sent = h.say("client", POST).await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:client" && s.text.contains("审核通过后发布")));
    let review = sent
        .iter()
        .find(|s| s.to == "console:op")
        .expect("operators are asked");
    assert_eq!(review.commands, vec!["/publish 1"]);
    assert!(
        !sent.iter().any(|s| s.to == "console:dev"),
        "no notification before review"
    );
    assert!(
        h.ask("dev", "/jobs").await.contains("暂时没有"),
        "drafts are not listed"
    );
    assert!(
        h.ask("dev", "/job 1").await.contains("没有编号为 1"),
        "nor shown"
    );
    assert!(h.ask("dev", "/publish 1").await.contains("只有运营"));
    let sent = h.say("op", "/publish 1").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("新需求")));
    assert!(sent
        .iter()
        .any(|s| s.to == "console:client" && s.text.contains("审核通过并发布")));

    h.say("client", &POST.replace("Rust CLI tool", "Second"))
        .await;
    let sent = h.say("op", "/decline 2 不是软件开发需求").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:client" && s.text.contains("不是软件开发需求")));
    assert!(
        h.ask("op", "/publish 2").await.contains("不能变为"),
        "a declined job stays closed"
    );
}

#[tokio::test]
async fn quiet_hours_defer_a_notification_to_their_end() {
    let h = harness!(Harness::new(vec![]));
    subscribed(&h, &console("owl"), "rust").await;
    h.ask("owl", "/免打扰 22:00-08:00").await;
    subscribed(&h, &console("lark"), "rust").await;
    // 23:30 in Shanghai.
    h.advance(Duration::hours(13) + Duration::minutes(30));
    h.say("client", POST).await;
    let due: Vec<(String, i64)> = sqlx::query_as("SELECT recipient, next_attempt_at FROM outbox WHERE dedupe_key LIKE 'job1:%' ORDER BY recipient").fetch_all(h.store.pool()).await.unwrap();
    let now_ms = (t0() + Duration::hours(13) + Duration::minutes(30)).timestamp_millis();
    assert_eq!(due[0].0, "lark");
    assert_eq!(due[0].1, now_ms, "no quiet hours: at once");
    assert_eq!(due[1].0, "owl");
    assert_eq!(
        due[1].1,
        now_ms + Duration::minutes(510).num_milliseconds(),
        "08:00 next morning"
    );
}

#[tokio::test]
async fn daily_subscribers_get_one_digest_at_nine_listing_every_new_matching_job() {
    let h = harness!(Harness::new(vec![]));
    h.tick().await; // the digest schedule starts
    subscribed(&h, &console("daily"), "rust cli").await;
    h.ask("daily", "/digest daily").await;
    h.advance(Duration::minutes(10));
    let sent = h.say("client", POST).await;
    assert!(!sent.iter().any(|s| s.to == "console:daily"), "not at once");
    h.say(
        "client",
        &POST
            .replace("Rust CLI tool", "Another CLI")
            .replace("tags=Rust,CLI", "tags=cli"),
    )
    .await;
    h.say(
        "client",
        &POST
            .replace("Rust CLI tool", "Unrelated")
            .replace("tags=Rust,CLI", "tags=php"),
    )
    .await;
    // t0 is 10:00 Shanghai; next 09:00 is 23 h later.
    h.advance(Duration::hours(22));
    assert!(h.tick().await.iter().all(|s| s.to != "console:daily"));
    h.advance(Duration::hours(1));
    let sent = h.tick().await;
    let digest: Vec<_> = sent.iter().filter(|s| s.to == "console:daily").collect();
    assert_eq!(digest.len(), 1, "{sent:?}");
    assert!(
        digest[0].text.contains("今日新需求 2 个")
            && digest[0].text.contains("Rust CLI tool")
            && digest[0].text.contains("Another CLI")
    );
    assert!(!digest[0].text.contains("Unrelated"));
    assert!(h.tick().await.is_empty(), "once");
    h.advance(Duration::days(1));
    assert!(h.tick().await.is_empty(), "nothing new, no empty digest");
}

/// Runs a whole job to acceptance for `dev`, with tags.
async fn deliver_one(h: &Harness, n: u32, dev: &str, tags: &str) {
    let client = format!("past-client-{n}");
    h.say(
        &client,
        &POST
            .replace("tags=Rust,CLI", &format!("tags={tags}"))
            .replace("Rust CLI tool", &format!("Past {n}")),
    )
    .await;
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM jobs")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert!(h
        .ask(dev, &format!("/apply {id} 我来"))
        .await
        .contains("已申请"));
    assert!(h
        .ask(&client, &format!("/assign {id} {dev}"))
        .await
        .contains("已指派"));
    // Delivery asks for evidence per acceptance item (issue 17); this job has one.
    assert!(h
        .ask(dev, &format!("/deliver {id}"))
        .await
        .contains("请发送证据"));
    assert!(h
        .ask(dev, "https://example.com/demo")
        .await
        .contains("已通知需求方"));
    assert!(h
        .ask(&client, &format!("/accept {id}"))
        .await
        .contains("已验收"));
}

#[tokio::test]
async fn applicants_are_ranked_by_matching_deliveries_then_years_then_time_and_the_numbers_are_shown(
) {
    let h = harness!(Harness::new(vec![]));
    for (u, years) in [("veteran", 2), ("senior", 10), ("senior2", 10)] {
        h.ask(u, &format!("/profile name={u} years={years} position=dev"))
            .await;
    }
    deliver_one(&h, 1, "veteran", "rust").await;
    deliver_one(&h, 2, "veteran", "rust,cli").await;
    deliver_one(&h, 3, "senior", "php").await;
    h.say("client", POST).await; // job 4: rust, cli
    for u in ["senior2", "senior", "veteran"] {
        h.advance(Duration::minutes(1));
        let sent = h.say(u, &format!("/apply 4 我是 {u}")).await;
        assert!(
            sent.iter()
                .any(|s| s.to == "console:client" && s.text.contains("有新申请")),
            "the client is told"
        );
    }
    let list = h.ask("client", "/applicants 4").await;
    let pos = |u: &str| {
        list.find(&format!("{u} —"))
            .unwrap_or_else(|| panic!("{u} in {list}"))
    };
    assert!(
        pos("veteran") < pos("senior2") && pos("senior2") < pos("senior"),
        "{list}"
    );
    assert!(
        list.contains("veteran — 相关交付 2 个，2 年经验"),
        "two accepted jobs share a tag, counted once each: {list}"
    );
    assert!(
        list.contains("senior — 相关交付 0 个，10 年经验"),
        "php does not match: {list}"
    );
    let profile = h.ask("veteran", "/profile").await;
    assert!(
        profile.contains("#rust ×2") && profile.contains("#cli ×1"),
        "one per job tag: {profile}"
    );
}

#[tokio::test]
async fn the_state_machine_refuses_illegal_moves_and_checks_who_may_make_them() {
    let h = harness!(Harness::new(vec![]));
    h.say("client", POST).await;
    assert!(h
        .ask("client", "/apply 1 自己")
        .await
        .contains("不能申请自己"));
    assert!(h.ask("dev", "/deliver 1").await.contains("只有被指派"));
    assert!(
        h.ask("client", "/accept 1").await.contains("不能变为"),
        "not delivered yet"
    );
    assert!(h
        .ask("client", "/assign 1 nobody")
        .await
        .contains("没有申请"));
    h.ask("dev", "/apply 1 hi").await;
    assert!(h
        .ask("stranger", "/assign 1 dev")
        .await
        .contains("只有需求方"));
    assert!(h
        .ask("client", "/assign 1 dev")
        .await
        .contains("已指派给 dev"));
    assert!(
        h.ask("other", "/apply 1 late")
            .await
            .contains("不能进行这个操作"),
        "no applications once assigned"
    );
    assert!(h.ask("client", "/assign 1 dev").await.contains("不能变为"));
    h.ask("dev", "/deliver 1").await;
    h.ask("dev", "https://example.com/demo").await;
    h.ask("client", "/accept 1").await;
    assert!(
        h.ask("client", "/close 1").await.contains("不能变为"),
        "accepted is final"
    );
    assert!(h.ask("client", "/myjobs").await.contains("[已验收]"));
    h.say("client", POST).await;
    assert!(h.ask("client", "/close 2").await.contains("已关闭"));
    assert!(
        h.ask("x", "/jobs").await.contains("暂时没有"),
        "closed jobs are not listed"
    );
}

#[tokio::test]
async fn jobs_can_be_browsed_by_tag_with_aliases() {
    let h = harness!(Harness::new(vec![]));
    h.say("c", &POST.replace("tags=Rust,CLI", "tags=js,react"))
        .await;
    h.say("c", &POST.replace("tags=Rust,CLI", "tags=golang"))
        .await;
    let js = h.ask("x", "/jobs JavaScript").await;
    assert!(js.contains("#1") && !js.contains("#2"), "{js}");
    let go = h.ask("x", "/需求 go").await;
    assert!(go.contains("#2") && !go.contains("#1 "), "{go}");
    assert!(h.ask("x", "/jobs").await.contains("招募中的需求："));
}
