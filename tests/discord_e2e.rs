//! Discord end to end: the real app with a `[discord]` section pointing at a fake REST API
//! and a fake gateway on 127.0.0.1; serenity's client runs for real (rate limiter off, as
//! it must be behind a proxy: 429s come back through the outbox).

use crate::common;

use crate::discord_support::*;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::SystemClock;
use yunqi_bot::{Inbound, Platform, UserRef};

async fn start() -> (common::TestApp, Arc<Fake>) {
    let fake = Fake::start().await;
    let t = common::spawn_app_with(&discord_toml(&fake), Arc::new(SystemClock)).await;
    assert!(
        t.running.platforms.contains(&"discord"),
        "{:?}",
        t.running.platforms
    );
    until("the gateway session", || fake.identified()).await;
    until("the commands", || {
        !fake
            .calls_to("PUT /applications/{}/guilds/{}/commands")
            .is_empty()
    })
    .await;
    (t, fake)
}

/// The content of every answer to one interaction (callback, edits, follow-ups).
fn answered(fake: &Fake, token: &str) -> Vec<String> {
    fake.answers(token)
        .iter()
        .map(|c| {
            let d = if c.body.get("data").is_some() {
                &c.body["data"]
            } else {
                &c.body
            };
            d["content"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[tokio::test]
async fn slash_commands_are_registered_from_the_core_list() {
    let t = bounded(async {
        let (t, fake) = start().await;
        let put = &fake.calls_to("PUT /applications/{}/guilds/{}/commands")[0];
        let names: Vec<&str> = put
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert!(
            names.contains(&"register")
                && names.contains(&"checkin-code")
                && names.contains(&"help"),
            "{names:?}"
        );
        let reg = put
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "register")
            .unwrap();
        assert_eq!(reg["options"][0]["name"], "args");
        assert!(reg["description_localizations"]["zh-CN"]
            .as_str()
            .unwrap()
            .starts_with("报名"));
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_member_registers_with_a_slash_command_and_answers_in_a_dm() {
    let t = bounded(async {
        let (t, fake) = start().await;
        let token = fake.slash(MEMBER, "register", Some("1"));
        until("the interaction answers", || {
            answered(&fake, &token).len() >= 2
        })
        .await;
        let first = &fake.answers(&token)[0];
        assert_eq!(first.body["type"], 4, "answered within 3 s, not deferred");
        assert_eq!(first.body["data"]["flags"], 64, "ephemeral");
        let got = answered(&fake, &token);
        assert!(
            got[0].starts_with("报名 \\#1") || got[0].starts_with("报名 #1"),
            "{got:#?}"
        );
        assert_eq!(got[1], "请输入您的姓名：");

        let dm = dm_of(MEMBER);
        let steps = ["张三", "13800000000", "后端工程师", "5年"];
        for (i, text) in steps.iter().enumerate() {
            fake.dm(MEMBER, text);
            until("the reply", || fake.posted(&dm).len() > i).await;
        }
        let got = fake.contents(&dm);
        assert!(got[3].contains("等待组织者审核"), "{got:#?}");
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(
            (
                rows[0].name.as_str(),
                rows[0].platform.as_str(),
                rows[0].user.as_str()
            ),
            ("张三", "discord", MEMBER)
        );

        // the organizer's DM carries approve/reject buttons whose custom_id is the command
        let org = dm_of(ORGANIZER);
        until("the organizer's buttons", || {
            fake.posted(&org)
                .iter()
                .any(|c| c.body["components"].is_array())
        })
        .await;
        let m = fake
            .posted(&org)
            .into_iter()
            .find(|c| c.body["components"].is_array())
            .unwrap();
        let ids: Vec<&str> = m.body["components"][0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["custom_id"].as_str())
            .collect();
        assert_eq!(
            ids,
            vec![
                format!("/approve 1 discord:{MEMBER}"),
                format!("/reject 1 discord:{MEMBER}")
            ]
        );
        assert_eq!(common::drained(&t, Platform::Discord).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_approves_by_button_and_the_member_gets_the_salon_role() {
    let t = bounded(async {
        let (t, fake) = start().await;
        let token = fake.slash(
            MEMBER,
            "register",
            Some("1 name=张三 phone=13800000000 position=后端工程师 years=5"),
        );
        until("the answer", || !fake.answers(&token).is_empty()).await;
        let org = dm_of(ORGANIZER);
        until("the organizer's buttons", || {
            fake.posted(&org)
                .iter()
                .any(|c| c.body["components"].is_array())
        })
        .await;
        let press = fake.press(
            ORGANIZER,
            "500000000000000050",
            &format!("/approve 1 discord:{MEMBER}"),
        );
        until("the press is answered", || !fake.answers(&press).is_empty()).await;
        assert!(
            answered(&fake, &press)[0].contains("已批准 1 人"),
            "{:?}",
            answered(&fake, &press)
        );

        until("the role", || {
            !fake
                .calls_to("PUT /guilds/{}/members/{}/roles/{}")
                .is_empty()
        })
        .await;
        let grant = &fake.calls_to("PUT /guilds/{}/members/{}/roles/{}")[0];
        assert_eq!(
            grant.path,
            format!("/guilds/{GUILD}/members/{MEMBER}/roles/{ROLE}")
        );
        let dm = dm_of(MEMBER);
        until("the approval", || {
            fake.contents(&dm).iter().any(|c| c.contains("已通过"))
        })
        .await;
        let approval = fake
            .posted(&dm)
            .into_iter()
            .find(|c| {
                c.body["content"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("已通过")
            })
            .unwrap();
        assert!(approval.body["content"]
            .as_str()
            .unwrap()
            .contains(&format!("<@&{ROLE}>")));
        assert!(
            approval.raw.contains("BEGIN:VCALENDAR"),
            "the .ics goes with it"
        );
        assert_eq!(
            t.app.store.export_salon(1).await.unwrap()[0].status,
            "approved"
        );
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_subscriber_is_notified_of_a_job_and_429s_delay_but_lose_nothing() {
    let t = bounded(async {
        let (t, fake) = start().await;
        let token = fake.slash(MEMBER, "subscribe", Some("rust"));
        until("the subscription", || !fake.answers(&token).is_empty()).await;
        fake.rate_limit_messages();
        fake.rate_limit_messages();
        let t0 = std::time::Instant::now();
        let post = "/post title=\"Rust CLI tool\" description=\"Build a CLI in Rust\" tags=rust budget=5000-8000 deadline=365天 acceptance=\"tests pass\"";
        t.app.core.submit(Inbound::text(UserRef::new(Platform::Console, "client"), post)).await.expect("post");
        let dm = dm_of(MEMBER);
        until("the notification", || fake.contents(&dm).iter().any(|c| c.contains("Rust CLI tool"))).await;
        assert!(t0.elapsed() >= Duration::from_secs(2), "{:?}", t0.elapsed());
        let limited = fake.calls_to("POST /channels/{}/messages").iter().filter(|c| c.status == 429).count();
        assert_eq!(limited, 2);
        assert_eq!(fake.contents(&dm).iter().filter(|c| c.contains("Rust CLI tool")).count(), 1, "sent once");
        assert_eq!(common::drained(&t, Platform::Discord).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}
