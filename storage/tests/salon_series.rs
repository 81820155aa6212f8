//! Salons as a series (issue 11): created inline, by copy and by dialogue; edited,
//! cancelled, closed and reopened; announcements, `/mine`, and roles granted in chat.

use crate::on_sqlite::common::*;
use chrono::Duration;

const INLINE: &str = "/newsalon title=\"第二期线下沙龙\" start=\"2026-12-19 14:00\" end=\"17:00\" place=\"杭州云栖小镇\" capacity=30 min_years=3 approval=manual agenda=\"14:00-14:30 签到; 14:30-17:00 座谈\" group_link=-";

async fn audit(h: &Harness, salon: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT actor, action FROM salon_audit WHERE salon_id = ?1 ORDER BY id")
        .bind(salon)
        .fetch_all(h.store.pool())
        .await
        .unwrap()
}

fn to<'a>(sent: &'a [Sent], user: &str) -> Vec<&'a Sent> {
    let who = format!("console:{user}");
    sent.iter().filter(|s| s.to == who).collect()
}

fn ics(s: &Sent) -> String {
    s.reply
        .attachment
        .as_ref()
        .map(|a| a.content.clone())
        .unwrap_or_default()
}

/// alice and frank approved (capacity 2), erin pending, bob waitlisted, carol rejected
/// (too few years), dave cancelled.
async fn crowd(h: &Harness) {
    h.register("erin", 5).await;
    h.register("alice", 5).await;
    h.register("frank", 5).await;
    h.ask("admin", "/approve 1 console:alice console:frank")
        .await;
    h.register("bob", 5).await;
    h.register("carol", 1).await;
    h.register("dave", 5).await;
    h.ask("dave", "/cancel 1").await;
    for (u, s) in [
        ("alice", "approved"),
        ("frank", "approved"),
        ("erin", "pending"),
        ("bob", "waitlisted"),
        ("carol", "rejected"),
        ("dave", "cancelled"),
    ] {
        assert_eq!(h.status(u).await, s, "{u}");
    }
}

#[tokio::test]
async fn a_series_is_created_inline_by_copy_and_by_dialogue_with_ids_after_the_highest() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    assert!(h.ask("bob", INLINE).await.contains("只有组织者"));

    let second = h.ask("admin", INLINE).await;
    assert!(second.contains("沙龙 #2 已创建"), "{second}");
    assert!(
        second.contains("第二期线下沙龙") && second.contains("14:00–17:00"),
        "{second}"
    );

    let third = h
        .ask(
            "admin",
            "/新沙龙 复制=2 开始=\"2027-01-16 14:00\" 结束=17:30",
        )
        .await;
    assert!(third.contains("沙龙 #3 已创建"), "{third}");
    assert!(
        third.contains("第三期线下沙龙"),
        "the number goes up: {third}"
    );
    assert!(
        third.contains("杭州云栖小镇"),
        "the rest is copied: {third}"
    );

    assert!(h.ask("admin", "/newsalon").await.contains("沙龙标题"));
    assert!(h.ask("admin", "第四期线下沙龙").await.contains("开始时间"));
    assert!(h
        .ask("admin", "2027-02-20 14:00")
        .await
        .contains("结束时间"));
    let bad = h.ask("admin", "12:00").await;
    assert!(
        bad.contains("结束时间必须晚于开始时间") && bad.contains("结束时间（"),
        "{bad}"
    );
    assert!(h.ask("admin", "17:00").await.contains("地点"));
    assert!(h.ask("admin", "云栖小镇 B 座").await.contains("名额"));
    assert!(h.ask("admin", "zero").await.contains("正整数"));
    assert!(h.ask("admin", "25").await.contains("最低工作年限"));
    assert!(h.ask("admin", "0").await.contains("审核方式"));
    assert!(h.ask("admin", "auto").await.contains("议程"));
    assert!(h.ask("admin", "14:00-15:00 分享").await.contains("议程"));
    assert!(h.ask("admin", "-").await.contains("群链接"));
    let fourth = h.ask("admin", "https://example.com/g/4").await;
    assert!(fourth.contains("沙龙 #4 已创建"), "{fourth}");

    let list = h.ask("bob", "/salons").await;
    for t in ["#2 第二期", "#3 第三期", "#4 第四期"] {
        assert!(list.contains(t), "{t}: {list}");
    }
    for id in [2, 3, 4] {
        assert_eq!(
            audit(&h, id).await,
            vec![("console:admin".to_string(), "create".to_string())]
        );
    }
    // The dialogue's salon registers and approves by itself.
    let reg = h
        .ask(
            "bob",
            "/register 4 name=Bob phone=13800001111 position=dev years=1",
        )
        .await;
    assert!(reg.contains("已通过"), "{reg}");
}

#[tokio::test]
async fn bad_input_changes_nothing_and_says_why() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let cases = [
        ("/newsalon colour=red", "没有「colour」这个字段"),
        (
            "/newsalon title=t start=\"2026-12-19 14:00\" end=13:00 place=p capacity=3",
            "结束时间必须晚于开始时间",
        ),
        (
            "/newsalon title=t start=\"2026-11-01 14:00\" end=17:00 place=p capacity=3",
            "开始时间已经过去",
        ),
        (
            "/newsalon title=t start=\"2026-12-19 14:00\" end=17:00 place=p capacity=-1",
            "名额必须是正整数",
        ),
        (
            "/newsalon title=t start=\"2026-12-19 14:00\" end=17:00 capacity=3",
            "缺少地点",
        ),
        ("/newsalon copy=9", "没有编号为 9 的沙龙"),
        ("/editsalon 9 place=x", "没有编号为 9 的沙龙"),
        ("/editsalon 1 seats=lots", "名额必须是正整数"),
    ];
    for (cmd, why) in cases {
        let r = h.ask("admin", cmd).await;
        assert!(r.contains(why), "{cmd}: {r}");
    }
    h.ask("admin", "/lang en").await;
    let en = h.ask("admin", "/newsalon colour=red").await;
    assert!(en.contains("There is no field \"colour\""), "{en}");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM salons")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert!(audit(&h, 1).await.is_empty());
}

#[tokio::test]
async fn an_edit_of_time_reaches_exactly_the_right_people_with_sequence_1() {
    let h = harness!(Harness::new(vec![salon(2, 3)]));
    crowd(&h).await;
    let sent = h
        .say("admin", "/editsalon 1 start=\"2026-11-28 15:00\" end=18:00")
        .await;
    let admin = to(&sent, "admin");
    assert!(admin[0].text.contains("已通知 4 位"), "{}", admin[0].text);
    for u in ["alice", "frank", "erin", "bob"] {
        let m = to(&sent, u);
        assert_eq!(m.len(), 1, "{u}: {sent:#?}");
        assert!(m[0].text.contains("14:00–17:00 → "), "{}", m[0].text);
        assert!(m[0].text.contains("15:00–18:00"), "{}", m[0].text);
        let cal = ics(m[0]);
        assert!(cal.contains("UID:salon-1@yunqi-bot"), "{cal}");
        assert!(cal.contains("SEQUENCE:1\r\n"), "{cal}");
        assert!(cal.contains("DTSTART:20261128T070000Z"), "{cal}");
    }
    for u in ["carol", "dave"] {
        assert!(to(&sent, u).is_empty(), "{u} is not told");
    }
    assert_eq!(sent.len(), 5);

    // A change of anything else tells nobody; a change of place is SEQUENCE 2.
    let quiet = h
        .say("admin", "/editsalon 1 min_years=2 title=\"第一期（加场）\"")
        .await;
    assert_eq!(quiet.len(), 1, "{quiet:#?}");
    let moved = h.say("admin", "/editsalon 1 地点=\"云栖小镇 C 座\"").await;
    assert_eq!(moved.len(), 5);
    assert!(ics(to(&moved, "alice")[0]).contains("SEQUENCE:2\r\n"));
    assert!(to(&moved, "alice")[0]
        .text
        .contains("杭州云计算产业园 → 云栖小镇 C 座"));
    let actions: Vec<String> = audit(&h, 1).await.into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["edit", "edit", "edit"]);
}

#[tokio::test]
async fn reminders_follow_the_edited_time_and_stop_after_a_cancel() {
    let h = harness!(Harness::new(vec![salon(5, 0), salon(5, 0)]));
    h.register("alice", 5).await;
    h.ask("admin", "/approve 1 console:alice").await;
    h.ask(
        "alice",
        "/register 2 name=alice phone=13800001111 position=dev years=5",
    )
    .await;
    h.ask("admin", "/approve 2 console:alice").await;

    // 23 h before: the 24 h reminders of both salons go out.
    h.advance(Duration::hours(29));
    assert_eq!(to(&h.tick().await, "alice").len(), 2);

    // Salon 1 moves a week later; salon 2 is cancelled with a reason.
    h.ask("admin", "/editsalon 1 start=\"2026-12-05 14:00\" end=17:00")
        .await;
    let sent = h.say("admin", "/cancelsalon 2 场地临时不可用").await;
    let told = to(&sent, "alice");
    assert_eq!(told.len(), 1);
    assert!(told[0].text.contains("已取消") && told[0].text.contains("场地临时不可用"));
    let cal = ics(told[0]);
    assert!(
        cal.contains("METHOD:CANCEL") && cal.contains("UID:salon-2@yunqi-bot"),
        "{cal}"
    );

    // The old 2 h mark passes: nothing for either salon.
    h.advance(Duration::hours(22));
    assert!(h.tick().await.is_empty());
    // A day before the new time, the moved salon is reminded again.
    h.advance(Duration::days(6) + Duration::hours(2));
    let again = h.tick().await;
    assert_eq!(again.len(), 1, "{again:#?}");
    assert!(again[0].text.contains("#1"), "{}", again[0].text);

    // The cancelled salon refuses registrations, keeps history and cannot reopen.
    let r = h
        .ask(
            "bob",
            "/register 2 name=Bob phone=13800002222 position=dev years=5",
        )
        .await;
    assert!(r.contains("已取消"), "{r}");
    assert!(h.ask("admin", "/opensalon 2").await.contains("已取消"));
    // Nobody is checked in to a cancelled salon, not even by an organizer.
    let c = h.ask("admin", "/checkin 2 console:alice").await;
    assert!(c.contains("已经取消"), "{c}");
    let status: String = sqlx::query_scalar("SELECT status FROM registrations WHERE salon_id = 2")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "approved", "the registration keeps its history");
    let actions: Vec<String> = audit(&h, 2).await.into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["cancel"]);
}

#[tokio::test]
async fn a_raised_capacity_offers_the_waitlist_in_order_and_a_lower_one_is_refused() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    for u in ["a", "b", "c", "d"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 all").await;
    assert_eq!(h.status("d").await, "waitlisted");

    let sent = h.say("admin", "/editsalon 1 capacity=3").await;
    for u in ["b", "c"] {
        let m = to(&sent, u);
        assert!(m[0].commands.contains(&"/confirm 1".to_string()), "{u}");
        assert_eq!(h.status(u).await, "offered");
    }
    assert!(to(&sent, "d").is_empty());
    assert_eq!(h.status("d").await, "waitlisted");
    assert!(to(&sent, "admin")[0].text.contains("候补名单中的 2 人"));

    let refused = h.ask("admin", "/editsalon 1 capacity=2").await;
    assert!(refused.contains("已有 3 个名额被占用"), "{refused}");
    assert!(h.ask("d", "/mine").await.contains("候补第 1 位"));
}

#[tokio::test]
async fn announcements_reach_attendees_or_everyone_and_the_organizer_hears_the_count() {
    let h = harness!(Harness::new(vec![salon(2, 3)]));
    crowd(&h).await;
    let sent = h.say("admin", "/announce 1 请带身份证").await;
    assert!(to(&sent, "admin")[0].text.contains("2 人"));
    assert_eq!(to(&sent, "alice").len() + to(&sent, "frank").len(), 2);
    assert!(to(&sent, "alice")[0].text.contains("请带身份证"));
    assert_eq!(sent.len(), 3);

    h.ask("bob", "/lang en").await;
    let all = h.say("admin", "/通知 1 all 改到三楼").await;
    assert!(to(&all, "admin")[0].text.contains("4 人"));
    assert!(to(&all, "bob")[0].text.starts_with("📢 #1 Salon #1:"));
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn closing_stops_registration_with_a_clear_answer_and_opening_resumes_it() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    assert!(h.ask("admin", "/closesalon 1").await.contains("已截止报名"));
    assert!(h.register("bob", 5).await.contains("已截止报名"));
    assert!(!h.ask("bob", "/salons").await.contains("#1"));
    assert!(h.ask("admin", "/salons all").await.contains("已截止报名"));
    assert!(h.ask("admin", "/opensalon 1").await.contains("已开放报名"));
    assert!(h.register("bob", 5).await.contains("等待组织者审核"));
    let actions: Vec<String> = audit(&h, 1).await.into_iter().map(|a| a.1).collect();
    assert_eq!(actions, ["close", "open"]);
}

#[tokio::test]
async fn a_salon_that_started_can_only_be_renamed() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.advance(Duration::days(3));
    assert!(h
        .ask("admin", "/editsalon 1 place=x")
        .await
        .contains("只能修改标题"));
    assert!(h
        .ask("admin", "/editsalon 1 title=第一期回顾")
        .await
        .contains("已修改"));
}

#[tokio::test]
async fn grants_and_revokes_respect_config_and_are_audited() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    assert!(h
        .ask("bob", "/grant organizer console:zoe")
        .await
        .contains("只有组织者"));
    assert!(h
        .ask("admin", "/grant organizer console:zoe")
        .await
        .contains("已授予"));
    assert!(h.ask("zoe", INLINE).await.contains("沙龙 #2 已创建"));
    // A granted organizer hears of new registrations like a configured one.
    let sent = h
        .say(
            "bob",
            "/register 1 name=Bob phone=13800001111 position=dev years=5",
        )
        .await;
    assert_eq!(to(&sent, "zoe").len(), 1, "{sent:#?}");
    assert_eq!(to(&sent, "admin").len(), 1);
    assert!(h.ask("zoe", "/whoami").await.contains("组织者"));
    let mint = h.ask("zoe", "/grant organizer console:yan").await;
    assert!(mint.contains("只有配置文件 [roles] 里的组织者"), "{mint}");
    assert!(h
        .ask("zoe", "/grant operator console:yan")
        .await
        .contains("已授予"));
    assert!(h.ask("yan", "/moderate").await.contains("审核"));
    let keep = h.ask("admin", "/revoke organizer console:admin").await;
    assert!(keep.contains("不能在聊天中撤销"), "{keep}");
    assert!(h
        .ask("admin", "/revoke organizer console:zoe")
        .await
        .contains("已撤销"));
    assert!(h.ask("zoe", "/newsalon").await.contains("只有组织者"));
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT user_id, role, action, actor FROM role_audit ORDER BY id")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
    assert_eq!(
        rows,
        [
            ("zoe", "organizer", "grant", "console:admin"),
            ("yan", "operator", "grant", "console:zoe"),
            ("zoe", "organizer", "revoke", "console:admin"),
        ]
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    );
}

#[tokio::test]
async fn mine_lists_registrations_with_status_position_and_time() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    h.register("a", 5).await;
    h.register("b", 5).await;
    h.ask("admin", "/approve 1 all").await;
    let a = h.ask("a", "/mine").await;
    assert!(
        a.contains("#1") && a.contains("已通过") && a.contains("14:00–17:00"),
        "{a}"
    );
    let b = h.ask("b", "/我的").await;
    assert!(b.contains("候补第 1 位"), "{b}");
    assert!(h.ask("c", "/mine").await.contains("暂无"));
}

#[tokio::test]
async fn an_earlier_start_shortens_a_running_offer_to_the_new_start() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    for u in ["a", "b"] {
        h.register(u, 5).await;
    }
    h.ask("admin", "/approve 1 all").await;
    h.ask("a", "/cancel 1").await;
    assert_eq!(h.status("b").await, "offered");
    // t0 is Thursday 10:00; the offer runs to 22:00. The salon moves to Thursday 15:00.
    h.ask("admin", "/editsalon 1 start=\"2026-11-26 15:00\"")
        .await;
    let until: i64 =
        sqlx::query_scalar("SELECT offered_until FROM registrations WHERE status = 'offered'")
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    let start: i64 = sqlx::query_scalar("SELECT starts_at FROM salons WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(until, start);
    let ends: i64 = sqlx::query_scalar("SELECT ends_at FROM salons WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(ends - start, 3 * 3600 * 1000, "the length is kept");
}
