//! Slack over HTTP, end to end: the real app (router, core, SQLite, outbox dispatcher)
//! against a fake Slack on 127.0.0.1.

use crate::common;

use crate::slack_support::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::time::timeout;
use yunqi_bot::ports::{Store, SystemClock};
use yunqi_bot::Platform;

const COMMANDS: &str = "/webhooks/slack/commands";
const EVENTS: &str = "/webhooks/slack/events";
const INTERACTIVE: &str = "/webhooks/slack/interactive";

/// (what is wrong, body, headers)
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

async fn start(extra: &str) -> (common::TestApp, FakeSlack) {
    let (fake, _) = FakeSlack::start().await;
    let toml = format!("{}\n{extra}", slack_toml(&fake, false));
    let t = common::spawn_app_with(&toml, Arc::new(SystemClock)).await;
    assert!(
        t.running.platforms.contains(&"slack"),
        "{:?}",
        t.running.platforms
    );
    (t, fake)
}

fn inline_register(user: &str, phone: &str) -> String {
    command_form(
        user,
        "C0001",
        "/register",
        &format!("1 name=李雷{user} phone={phone} position=后端工程师 years=5"),
        "",
    )
}

#[tokio::test]
async fn a_member_registers_with_the_slash_command_and_the_modal() {
    let t = timeout(LIMIT, async {
        let (t, fake) = start(&salon_toml(None)).await;
        let form = command_form("U1", "C0001", "/yunqi", "register 1", "1111.2222.trigger");
        assert_eq!(
            post_signed(&t.http, &t.base, COMMANDS, &form).await,
            (200, String::new())
        );
        let open = fake.calls("views.open");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].auth.as_deref(), Some("Bearer xoxb-test"));
        assert_eq!(open[0].json()["trigger_id"], "1111.2222.trigger");
        assert_eq!(open[0].json()["view"]["callback_id"], "register:1");

        let bad = interactive_form(&view_submission(
            "U1",
            1,
            "李雷",
            "12345",
            "后端工程师",
            "5",
        ));
        let (status, body) = post_signed(&t.http, &t.base, INTERACTIVE, &bad).await;
        assert_eq!(status, 200);
        let errors: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(errors["response_action"], "errors");
        let errors = errors["errors"].as_object().unwrap();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["phone"], "{errors:?}");
        assert!(
            t.app.store.export_salon(1).await.unwrap().is_empty(),
            "a bad form has no effect"
        );

        let good = interactive_form(&view_submission(
            "U1",
            1,
            "李雷",
            "13800000000",
            "后端工程师",
            "5 年",
        ));
        assert_eq!(
            post_signed(&t.http, &t.base, INTERACTIVE, &good).await,
            (200, String::new())
        );
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (
                r.name.as_str(),
                r.phone.as_str(),
                r.position.as_str(),
                r.years.as_str()
            ),
            ("李雷", "13800000000", "后端工程师", "5")
        );
        assert_eq!(
            (r.platform.as_str(), r.user.as_str(), r.status.as_str()),
            ("slack", "U1", "pending")
        );
        // The answer comes by DM through the outbox.
        let posted = fake.wait_posts("DU1", 1).await;
        assert!(
            posted[0].json()["text"]
                .as_str()
                .unwrap()
                .contains("等待组织者审核"),
            "{}",
            posted[0].body
        );
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn an_inline_register_command_is_answered_in_the_http_response() {
    let t = timeout(LIMIT, async {
        let (t, fake) = start(&salon_toml(None)).await;
        let (status, body) = post_signed(
            &t.http,
            &t.base,
            COMMANDS,
            &inline_register("U2", "13900000002"),
        )
        .await;
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["response_type"], "ephemeral");
        assert!(
            v["text"].as_str().unwrap().contains("等待组织者审核"),
            "{body}"
        );
        // The app's own command with the same words lands on the same core command.
        let form = command_form(
            "U3",
            "C0001",
            "/yunqi",
            "register 1 name=韩梅梅 phone=13900000003 position=产品 years=4",
            "",
        );
        let (_, body) = post_signed(&t.http, &t.base, COMMANDS, &form).await;
        assert!(body.contains("等待组织者审核"), "{body}");
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.user.as_str()).collect::<Vec<_>>(),
            ["U2", "U3"]
        );
        assert!(
            fake.calls("views.open").is_empty(),
            "no modal when every field is given"
        );
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_approves_with_a_button_and_the_member_is_invited_to_the_channel() {
    let t = timeout(LIMIT, async {
        let extra = format!(
            "[roles]\norganizers = [\"slack:UORG\"]\n\n{}",
            salon_toml(Some("CSALON"))
        );
        let (t, fake) = start(&extra).await;
        let (status, _) = post_signed(
            &t.http,
            &t.base,
            COMMANDS,
            &inline_register("U1", "13800000001"),
        )
        .await;
        assert_eq!(status, 200);

        // The organizer's DM gets the registration with approve / reject buttons.
        let note = fake.wait_posts("DUORG", 1).await.remove(0);
        let sent = note.json();
        assert!(
            sent["text"].as_str().unwrap().contains("slack:U1"),
            "{sent}"
        );
        let values: Vec<String> = sent["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["type"] == "actions")
            .flat_map(|b| {
                b["elements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["value"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(values, ["/approve 1 slack:U1", "/reject 1 slack:U1"]);

        let pressed = interactive_form(&press("UORG", &note, "/approve 1 slack:U1"));
        assert_eq!(
            post_signed(&t.http, &t.base, INTERACTIVE, &pressed).await,
            (200, String::new())
        );

        // The pressed message shows the decision and has no buttons left.
        let update = fake
            .wait_for("chat.update", 1, |_| true)
            .await
            .remove(0)
            .json();
        assert_eq!(update["channel"], "DUORG");
        assert_eq!(update["ts"], note.answer_json()["ts"]);
        let blocks = update["blocks"].as_array().unwrap();
        assert!(blocks.iter().all(|b| b["type"] != "actions"), "{update}");
        assert!(update.to_string().contains("<@UORG>"));
        assert!(
            update["text"].as_str().unwrap().contains("已批准 1 人"),
            "{update}"
        );

        // The member is invited to the salon's channel, then gets the approval.
        let invite = fake
            .wait_for("conversations.invite", 1, |_| true)
            .await
            .remove(0)
            .json();
        assert_eq!(
            (invite["channel"].as_str(), invite["users"].as_str()),
            (Some("CSALON"), Some("U1"))
        );
        let approval = fake.wait_posts("DU1", 1).await.remove(0);
        let text = approval.json()["text"].as_str().unwrap().to_string();
        assert!(
            text.contains("已通过") && text.contains("<#CSALON>"),
            "{text}"
        );
        let order: Vec<String> = fake
            .all_calls()
            .into_iter()
            .map(|c| c.method)
            .filter(|m| m == "conversations.invite" || m == "chat.postMessage")
            .collect();
        assert_eq!(
            order.last().map(String::as_str),
            Some("chat.postMessage"),
            "invited first: {order:?}"
        );

        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows[0].status, "approved");
        let decisions = t.app.store.decisions(1).await.unwrap();
        assert!(
            decisions
                .iter()
                .any(|d| d.1 == "slack:UORG" && d.2 == "approved"),
            "{decisions:?}"
        );
        assert!(
            fake.posts_to("DUORG").len() == 1,
            "the organizer's answer is the update, not another message"
        );
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_rejects_with_a_button_and_gives_the_reason_by_dm() {
    let t = timeout(LIMIT, async {
        let extra = format!(
            "[roles]\norganizers = [\"slack:UORG\"]\n\n{}",
            salon_toml(Some("CSALON"))
        );
        let (t, fake) = start(&extra).await;
        post_signed(
            &t.http,
            &t.base,
            COMMANDS,
            &inline_register("U1", "13800000001"),
        )
        .await;
        post_signed(
            &t.http,
            &t.base,
            COMMANDS,
            &inline_register("U2", "13800000002"),
        )
        .await;
        let notes = fake.wait_posts("DUORG", 2).await;
        let note = notes
            .iter()
            .find(|c| c.body.contains("/reject 1 slack:U2"))
            .unwrap();

        let pressed = interactive_form(&press("UORG", note, "/reject 1 slack:U2"));
        assert_eq!(
            post_signed(&t.http, &t.base, INTERACTIVE, &pressed).await,
            (200, String::new())
        );
        // The pressed message asks for the reason and loses its buttons.
        let update = fake
            .wait_for("chat.update", 1, |_| true)
            .await
            .remove(0)
            .json();
        assert!(
            update["text"]
                .as_str()
                .unwrap()
                .contains("请输入拒绝 slack:U2 的原因"),
            "{update}"
        );
        assert!(update["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["type"] != "actions"));

        // The organizer answers in the DM; the member is told why; no invitation.
        let reason = dm_event(
            "EvReason1",
            "UORG",
            "名额留给 5 年以上的同学",
            "1700000300.000100",
        );
        assert_eq!(post_signed(&t.http, &t.base, EVENTS, &reason).await.0, 200);
        let told = fake.wait_posts("DU2", 1).await.remove(0).json();
        assert!(
            told["text"]
                .as_str()
                .unwrap()
                .contains("名额留给 5 年以上的同学"),
            "{told}"
        );
        let done = fake.wait_posts("DUORG", 3).await;
        assert!(done[2].json()["text"]
            .as_str()
            .unwrap()
            .contains("已拒绝 slack:U2"));
        let rows = t.app.store.export_salon(1).await.unwrap();
        let status: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.user.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(status, [("U1", "pending"), ("U2", "rejected")]);
        assert!(fake.calls("conversations.invite").is_empty());
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn a_429_storm_delays_replies_but_loses_none_and_sends_none_twice() {
    let t = timeout(LIMIT, async {
        let (t, fake) = start(&salon_toml(None)).await;
        for _ in 0..4 {
            fake.script(
                "chat.postMessage",
                429,
                Some(1),
                r#"{"ok":false,"error":"ratelimited"}"#,
            );
        }
        let started = Instant::now();
        let users: Vec<String> = (1..=5).map(|i| format!("US{i}")).collect();
        for (i, u) in users.iter().enumerate() {
            let body = dm_event(
                &format!("EvStorm{i}"),
                u,
                "/salon 1",
                &format!("1700000000.00010{i}"),
            );
            assert_eq!(post_signed(&t.http, &t.base, EVENTS, &body).await.0, 200);
        }
        for u in &users {
            fake.wait_posts(&format!("D{u}"), 1).await;
        }
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "Retry-After was honoured"
        );
        let limited = fake
            .calls("chat.postMessage")
            .iter()
            .filter(|c| c.status == 429)
            .count();
        assert_eq!(limited, 4);
        // Nothing more arrives later: each reply was posted exactly once.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        for u in &users {
            let posts = fake.posts_to(&format!("D{u}"));
            assert_eq!(posts.len(), 1, "{u}: {posts:?}");
            assert!(posts[0].json()["text"]
                .as_str()
                .unwrap()
                .contains("测试沙龙"));
        }
        assert_eq!(
            t.app
                .store
                .outbox_pending(Platform::Slack, None)
                .await
                .unwrap(),
            0
        );
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn a_retried_event_has_one_effect() {
    let t = timeout(LIMIT, async {
        let (t, fake) = start(&salon_toml(None)).await;
        let body = dm_event(
            "EvRetry1",
            "UR",
            "/register 1 name=王五 phone=13700000000 position=测试 years=6",
            "1700000000.000900",
        );
        assert_eq!(post_signed(&t.http, &t.base, EVENTS, &body).await.0, 200);
        let (ts, sig) = sign(SECRET, &body, 0);
        let retry = [
            ("x-slack-request-timestamp", ts.as_str()),
            ("x-slack-signature", sig.as_str()),
            ("x-slack-retry-num", "1"),
            ("x-slack-retry-reason", "http_timeout"),
        ];
        assert_eq!(
            post_raw(&t.http, &t.base, EVENTS, &body, &retry).await.0,
            200
        );
        assert_eq!(
            post_raw(&t.http, &t.base, EVENTS, &body, &retry).await.0,
            200
        );
        fake.wait_posts("DUR", 1).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(fake.posts_to("DUR").len(), 1, "one answer");
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows.len(), 1);
        let decisions = t.app.store.decisions(1).await.unwrap();
        assert!(
            decisions.is_empty(),
            "pending needs no decision yet: {decisions:?}"
        );
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}

#[tokio::test]
async fn forged_stale_and_unsigned_requests_get_401_and_change_nothing() {
    let t = timeout(LIMIT, async {
        let (t, fake) = start(&salon_toml(None)).await;
        let command = inline_register("UX", "13600000000");
        let event = dm_event(
            "EvForged",
            "UX",
            "/register 1 name=X phone=13600000000 position=Y years=9",
            "1700000000.000500",
        );
        let modal = interactive_form(&view_submission(
            "UX",
            1,
            "赵六",
            "13600000000",
            "测试",
            "8",
        ));
        for (path, body) in [
            (COMMANDS, &command),
            (EVENTS, &event),
            (INTERACTIVE, &modal),
        ] {
            let (ts, good) = sign(SECRET, body, 0);
            let (_, forged) = sign("not-the-secret", body, 0);
            let (old_ts, old_sig) = sign(SECRET, body, 301);
            let upper = good.to_uppercase().replacen("V0=", "v0=", 1);
            let cases: [Case; 6] = [
                ("unsigned", body.as_str(), vec![]),
                (
                    "no signature",
                    body.as_str(),
                    vec![("x-slack-request-timestamp", ts.as_str())],
                ),
                (
                    "forged",
                    body.as_str(),
                    vec![
                        ("x-slack-request-timestamp", ts.as_str()),
                        ("x-slack-signature", forged.as_str()),
                    ],
                ),
                (
                    "stale",
                    body.as_str(),
                    vec![
                        ("x-slack-request-timestamp", old_ts.as_str()),
                        ("x-slack-signature", old_sig.as_str()),
                    ],
                ),
                (
                    "upper-case hex",
                    body.as_str(),
                    vec![
                        ("x-slack-request-timestamp", ts.as_str()),
                        ("x-slack-signature", upper.as_str()),
                    ],
                ),
                (
                    "tampered body",
                    &format!("{body} "),
                    vec![
                        ("x-slack-request-timestamp", ts.as_str()),
                        ("x-slack-signature", good.as_str()),
                    ],
                ),
            ];
            for (name, b, headers) in cases {
                let (status, answer) = post_raw(&t.http, &t.base, path, b, &headers).await;
                assert_eq!(status, 401, "{path} {name}: {answer}");
                assert!(!answer.contains("UX"), "nothing is echoed");
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(t.app.store.export_salon(1).await.unwrap().is_empty());
        let touched: Vec<String> = fake
            .all_calls()
            .into_iter()
            .map(|c| c.method)
            .filter(|m| m != "auth.test")
            .collect();
        assert!(touched.is_empty(), "{touched:?}");
        // The same requests, signed, do work: the refusals were about the signature.
        assert_eq!(
            post_signed(&t.http, &t.base, COMMANDS, &command).await.0,
            200
        );
        assert_eq!(t.app.store.export_salon(1).await.unwrap().len(), 1);
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}
