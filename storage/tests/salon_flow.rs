//! Salon registration through the real core and a real SQLite file (product.md §1).

use super::common::*;
use yunqi_bot::Inbound;

#[tokio::test]
async fn the_dialogue_asks_only_for_what_the_profile_lacks_and_re_asks_after_a_bad_answer() {
    let h = harness!(Harness::new(vec![salon(20, 3)]));
    let first = h.ask("alice", "/register 1").await;
    assert!(first.contains("姓名"), "{first}");
    assert!(h.ask("alice", "李雷").await.contains("手机号"));
    let bad = h.ask("alice", "12345").await;
    assert!(bad.contains("这不像是手机号"), "a reason is given: {bad}");
    assert!(
        bad.contains("请输入您的手机号"),
        "and the same question again: {bad}"
    );
    assert!(h.ask("alice", "13800001111").await.contains("职位"));
    let bad_years = h.ask("alice", "five").await;
    assert!(bad_years.contains("整数"), "{bad_years}");
    assert!(
        h.ask("alice", "后端").await.contains("工作年限"),
        "position was taken, years asked again"
    );
    let done = h.ask("alice", "5 years").await;
    assert!(done.contains("等待组织者审核"), "{done}");
    assert_eq!(h.status("alice").await, "pending");

    // Next time the profile is complete: no questions at all.
    h.ask("alice", "/cancel 1").await;
    let again = h.ask("alice", "/报名 1").await;
    assert!(again.contains("等待组织者审核"), "{again}");
}

#[tokio::test]
async fn inline_registration_completes_in_one_message_and_notifies_organizers_with_actions() {
    let h = harness!(Harness::new(vec![salon(20, 3)]));
    let sent = h
        .say(
            "bob",
            "/register 1 name=Bob phone=+4915112345678 position=SRE years=7年",
        )
        .await;
    let to_bob: Vec<_> = sent.iter().filter(|s| s.to == "console:bob").collect();
    let to_admin: Vec<_> = sent.iter().filter(|s| s.to == "console:admin").collect();
    assert_eq!(to_bob.len(), 1);
    assert_eq!(to_admin.len(), 1);
    assert!(
        to_admin[0].text.contains("+4915112345678"),
        "organizers see the phone"
    );
    assert_eq!(
        to_admin[0].commands,
        vec!["/approve 1 console:bob", "/reject 1 console:bob"]
    );
    assert!(!to_bob[0].text.contains("4915112345678"));
}

#[tokio::test]
async fn below_the_minimum_years_is_rejected_politely_and_an_organizer_may_still_approve() {
    let h = harness!(Harness::new(vec![salon(20, 3)]));
    let reply = h.register("carol", 2).await;
    assert!(
        reply.contains("至少 3 年") && reply.contains("2 年"),
        "{reply}"
    );
    assert_eq!(h.status("carol").await, "rejected");
    let approve = h.ask("admin", "/approve 1 carol").await;
    assert!(approve.contains("已批准 1 人"), "{approve}");
    assert_eq!(h.status("carol").await, "approved");
}

#[tokio::test]
async fn approve_all_fills_the_seats_in_order_and_waitlists_the_rest_with_their_positions() {
    let h = harness!(Harness::new(vec![salon(2, 0)]));
    for u in ["u1", "u2", "u3", "u4"] {
        h.register(u, 5).await;
    }
    let sent = h.say("admin", "/approve 1 all").await;
    assert_eq!(h.status("u1").await, "approved");
    assert_eq!(h.status("u2").await, "approved");
    assert_eq!(h.status("u3").await, "waitlisted");
    assert_eq!(h.status("u4").await, "waitlisted");
    let to = |u: &str| {
        sent.iter()
            .filter(|s| s.to == format!("console:{u}"))
            .map(|s| s.text.clone())
            .collect::<String>()
    };
    assert!(to("u1").contains("已通过") && to("u1").contains("加入活动群"));
    assert!(sent.iter().any(|s| s.to == "console:u1"
        && s.reply
            .attachment
            .as_ref()
            .is_some_and(|a| a.content.contains("BEGIN:VEVENT"))));
    assert!(to("u3").contains("第 1 位"), "{}", to("u3"));
    assert!(to("u4").contains("第 2 位"), "{}", to("u4"));
    assert!(to("admin").contains("已批准 2 人") && to("admin").contains("2 人转入候补"));
    // Full: a newcomer goes straight to the waitlist, behind the others.
    let late = h.register("u5", 5).await;
    assert!(late.contains("第 3 位"), "{late}");
    // And an organizer cannot overbook by hand.
    assert!(h.ask("admin", "/approve 1 u5").await.contains("名额已满"));
    assert_eq!(h.count("approved").await, 2);
}

#[tokio::test]
async fn organizers_reject_with_a_reason_asked_for_when_a_button_has_none() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    h.register("dave", 4).await;
    let ask = h.ask("admin", "/reject 1 console:dave").await;
    assert!(ask.contains("原因"), "{ask}");
    let sent = h.say("admin", "资料不完整").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dave" && s.text.contains("资料不完整")));
    assert_eq!(h.status("dave").await, "rejected");
    let log = h.store.decisions(1).await.unwrap();
    assert_eq!(
        log.last().unwrap(),
        &(
            1,
            "console:admin".to_string(),
            "rejected".to_string(),
            Some("资料不完整".to_string())
        )
    );
}

#[tokio::test]
async fn members_cannot_use_organizer_commands_and_never_see_phone_numbers() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    h.register("erin", 4).await;
    for cmd in [
        "/attendees 1",
        "/pending 1",
        "/approve 1 all",
        "/checkin-code 1",
        "/checkin 1 erin",
    ] {
        let reply = h.ask("mallory", cmd).await;
        assert!(reply.contains("只有组织者"), "{cmd}: {reply}");
    }
    let profile = h.ask("erin", "/profile").await;
    assert!(
        profile.contains("138****") && !profile.contains("13800000"),
        "{profile}"
    );
    let attendees = h.ask("admin", "/attendees 1").await;
    assert!(
        attendees.contains("13800000"),
        "organizers see it unmasked: {attendees}"
    );
}

#[tokio::test]
async fn a_platform_retry_of_the_same_event_has_no_second_effect() {
    let h = harness!(Harness::new(vec![salon(20, 0)]));
    let ev = Inbound::text(
        console("frank"),
        "/register 1 name=F phone=13900000000 position=dev years=3",
    )
    .with_event_id("evt-1");
    h.core.submit(ev.clone()).await.unwrap();
    let first = h.sent().await.len();
    h.core.submit(ev).await.unwrap();
    assert!(first >= 2);
    assert_eq!(h.sent().await.len(), 0, "the retry queued nothing");
    assert_eq!(h.store.export_salon(1).await.unwrap().len(), 1);
}

#[tokio::test]
async fn cancel_offers_the_seat_to_the_first_waitlisted_who_confirms_it() {
    let h = harness!(Harness::new(vec![salon(1, 0)]));
    h.register("a", 5).await;
    h.ask("admin", "/approve 1 all").await;
    h.register("b", 5).await;
    h.register("c", 5).await;
    assert_eq!(h.status("b").await, "waitlisted");
    let sent = h.say("a", "/cancel 1").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:a" && s.text.contains("已取消")));
    let offer = sent
        .iter()
        .find(|s| s.to == "console:b")
        .expect("b is offered the seat");
    assert!(
        offer.text.contains("/确认 1") && offer.text.contains("2026-11-26 22:00"),
        "12 h claim window in Shanghai time: {}",
        offer.text
    );
    assert!(
        !sent.iter().any(|s| s.to == "console:c"),
        "only one seat, only one offer"
    );
    assert_eq!(h.status("b").await, "offered");
    assert!(h.ask("c", "/confirm 1").await.contains("没有待领取"));
    assert!(h.ask("b", "/confirm 1").await.contains("已通过"));
    assert_eq!(h.status("b").await, "approved");
    assert_eq!(h.count("approved").await, 1);
}

#[tokio::test]
async fn check_in_by_code_and_by_name_needs_an_approved_registration() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("g", 5).await;
    h.register("k", 5).await;
    h.ask("admin", "/approve 1 g").await;
    let code_msg = h.ask("admin", "/checkin-code 1").await;
    let code: String = code_msg
        .split("签到码：")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect();
    // The shared code works from an hour before the start (t0 + 52 h).
    h.advance(chrono::Duration::hours(51));
    assert!(h.ask("g", "/checkin 000000x").await.contains("不正确"));
    assert!(h
        .ask("k", &format!("/checkin {code}"))
        .await
        .contains("没有"));
    assert!(h
        .ask("g", &format!("/签到 {code}"))
        .await
        .contains("签到成功"));
    assert_eq!(h.status("g").await, "checked_in");
    h.ask("admin", "/approve 1 k").await;
    assert!(h.ask("admin", "/checkin 1 k").await.contains("已为 k 签到"));
    assert_eq!(h.status("k").await, "checked_in");
}

#[tokio::test]
async fn linked_accounts_share_one_profile_and_registration() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("phone-user", 6).await;
    let code_msg = h.ask("phone-user", "/link").await;
    let code = code_in(&code_msg);
    let other = yunqi_bot::UserRef::new(yunqi_bot::Platform::Slack, "U42");
    h.core
        .submit(Inbound::text(other.clone(), format!("/link {code}")))
        .await
        .unwrap();
    assert!(h
        .sent()
        .await
        .iter()
        .any(|s| s.to == "slack:U42" && s.text.contains("已关联")));
    // The Slack account sees the same registration.
    h.core
        .submit(Inbound::text(other, "/register 1"))
        .await
        .unwrap();
    assert!(h.sent().await.iter().any(|s| s.text.contains("您已报名")));
    // A code works once.
    assert!(h
        .ask("someone", &format!("/link {code}"))
        .await
        .contains("无效"));
}

#[tokio::test]
async fn english_is_complete_and_chosen_per_user() {
    let h = harness!(Harness::new(vec![salon(5, 3)]));
    assert!(h.ask("eve", "/lang en").await.contains("English"));
    let q = h.ask("eve", "/register 1").await;
    assert!(q.contains("What is your name?"), "{q}");
    h.ask("eve", "Eve").await;
    assert!(h
        .ask("eve", "not a phone")
        .await
        .contains("does not look like a mobile number"));
    h.ask("eve", "13800009999").await;
    h.ask("eve", "dev").await;
    let r = h.ask("eve", "1").await;
    assert!(r.contains("at least 3 years"), "{r}");
    assert!(h.ask("eve", "/salons").await.contains("Upcoming salons"));
    assert!(h.ask("eve", "/frob").await.contains("no /frob command"));
}

#[tokio::test]
async fn an_approval_carries_the_group_invitation_for_the_members_platform() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let slack_user = yunqi_bot::UserRef::new(yunqi_bot::Platform::Slack, "U7");
    h.core
        .submit(Inbound::text(
            slack_user,
            "/register 1 name=S phone=13900000007 position=dev years=3",
        ))
        .await
        .unwrap();
    h.register("c1", 3).await;
    let sent = h.say("admin", "/approve 1 all").await;
    let to_slack = sent
        .iter()
        .find(|s| s.to == "slack:U7")
        .expect("slack member told");
    let invite = to_slack.reply.invite.as_ref().expect("with an invitation");
    assert_eq!(
        invite.group.as_deref(),
        Some("C0SALON"),
        "the salon's slack_channel"
    );
    let to_console = sent.iter().find(|s| s.to == "console:c1").unwrap();
    assert_eq!(
        to_console.reply.invite.as_ref().unwrap().group,
        None,
        "no console group: the link in the text stands in"
    );
    assert!(to_console.text.contains("https://example.com/g/1"));
}

#[tokio::test]
async fn chatter_in_a_shared_channel_gets_no_answer_but_a_direct_message_does() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let mut ev = Inbound::text(console("talker"), "hello everyone");
    ev.conversation = Some("general".into());
    h.core.submit(ev).await.unwrap();
    assert!(h.sent().await.is_empty());
    assert!(h.ask("talker", "hello bot").await.contains("/帮助"));
}

#[tokio::test]
async fn an_inline_reply_stays_inline_unless_it_carries_a_platform_group_invitation() {
    let mut with_group = salon(5, 0);
    with_group.auto_approve = true;
    let mut without = with_group.clone();
    without.groups.clear();
    let h = harness!(Harness::new(vec![with_group, without]));
    let inline = |user: &str, salon: u32| {
        let mut ev = Inbound::text(
            yunqi_bot::UserRef::new(yunqi_bot::Platform::Slack, user),
            format!("/register {salon} name=A phone=13900000001 position=dev years=3"),
        );
        ev.reply_inline = true;
        ev
    };
    let plain = h.core.submit(inline("U1", 2)).await.unwrap();
    assert_eq!(plain.inline.len(), 1, "answered in the response");
    // Only the ticket's QR code image is queued: a response cannot carry it.
    let queued: Vec<_> = h
        .sent()
        .await
        .into_iter()
        .filter(|s| s.to == "slack:U1")
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert!(queued[0]
        .reply
        .attachment
        .as_ref()
        .is_some_and(|a| a.is_image()));
    let grouped = h.core.submit(inline("U2", 1)).await.unwrap();
    assert!(grouped.inline.is_empty());
    let queued = h.sent().await;
    let approval = queued
        .iter()
        .find(|s| s.to == "slack:U2")
        .expect("through the outbox");
    assert_eq!(
        approval
            .reply
            .invite
            .as_ref()
            .and_then(|i| i.group.as_deref()),
        Some("C0SALON")
    );
}

#[tokio::test]
async fn whoami_shows_the_id_for_roles_the_linked_accounts_and_the_roles() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let me = h.ask("alice", "/whoami").await;
    assert!(
        me.contains("console:alice") && me.contains("普通成员"),
        "{me}"
    );
    // A linked Slack account is listed, and the alias works without a slash.
    let code_msg = h.ask("alice", "/link").await;
    let code = code_in(&code_msg);
    let slack = yunqi_bot::UserRef::new(yunqi_bot::Platform::Slack, "U0123");
    h.core
        .submit(Inbound::text(slack.clone(), format!("/link {code}")))
        .await
        .unwrap();
    h.sent().await;
    h.core.submit(Inbound::text(slack, "我是谁")).await.unwrap();
    let linked: Vec<String> = h.sent().await.into_iter().map(|s| s.text).collect();
    let linked = linked.join("\n");
    assert!(
        linked.contains("slack:U0123") && linked.contains("console:alice"),
        "{linked}"
    );
    let admin = h.ask("admin", "/whoami").await;
    assert!(
        admin.contains("console:admin") && admin.contains("组织者"),
        "{admin}"
    );
}

#[tokio::test]
async fn help_lists_whoami_for_everyone_and_organizer_commands_for_organizers() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let member = h.ask("bob", "/help").await;
    assert!(
        member.contains("/我是谁") && member.contains("/提问"),
        "{member}"
    );
    assert!(!member.contains("/批准"), "{member}");
    let organizer = h.ask("admin", "/帮助").await;
    assert!(
        organizer.contains("/批准") && organizer.contains("/我是谁"),
        "{organizer}"
    );
}
