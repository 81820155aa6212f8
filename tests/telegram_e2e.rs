//! Telegram end to end: the real app (core, SQLite, outbox dispatcher, long polling) with
//! a `[telegram]` section pointing at a fake Bot API on 127.0.0.1.

use crate::common;

use crate::telegram_support::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::{Kv, Store, SystemClock};
use yunqi_bot::{Inbound, Platform, UserRef};

async fn start_with(extra: &str) -> (common::TestApp, Arc<Fake>) {
    let fake = Fake::start().await;
    let t = common::spawn_app_with(&telegram_toml(&fake, extra), Arc::new(SystemClock)).await;
    assert!(
        t.running.platforms.contains(&"telegram"),
        "{:?}",
        t.running.platforms
    );
    (t, fake)
}

async fn start() -> (common::TestApp, Arc<Fake>) {
    start_with("").await
}

/// The organizer's message with approve/reject buttons for `who`:
/// (message id, approve data, reject data).
async fn decision(fake: &Fake, who: &str) -> (i64, String, String) {
    eventually("the organizer's buttons", || {
        fake.calls("sendMessage").into_iter().rev().find_map(|c| {
            if c.body["chat_id"].as_i64() != Some(ORGANIZER) || c.body.get("_failed").is_some() {
                return None;
            }
            let data: Vec<String> = c.body["reply_markup"]["inline_keyboard"]
                .as_array()?
                .iter()
                .flat_map(|row| row.as_array().cloned().unwrap_or_default())
                .filter_map(|b| b["callback_data"].as_str().map(String::from))
                .collect();
            let approve = data
                .iter()
                .find(|d| d.starts_with("/approve") && d.ends_with(who))?
                .clone();
            let reject = data
                .iter()
                .find(|d| d.starts_with("/reject") && d.ends_with(who))?
                .clone();
            Some((c.body["_message_id"].as_i64()?, approve, reject))
        })
    })
    .await
}

#[tokio::test]
async fn a_member_registers_over_several_messages_and_the_organizer_gets_buttons() {
    let t = bounded(async {
        let (t, fake) = start().await;
        let steps = [
            ("/register 1", 2),
            ("张三", 1),
            ("13800000000", 1),
            ("后端工程师", 1),
            ("5年", 1),
        ];
        let mut want = 0;
        for (text, replies) in steps {
            fake.user_says(MEMBER, text);
            want += replies;
            until("the replies", || fake.sent(MEMBER).len() >= want).await;
        }
        let got = fake.texts(MEMBER);
        assert_eq!(got.len(), 6, "{got:#?}");
        assert!(got[0].starts_with("报名 #1 测试沙龙"), "{got:#?}");
        assert_eq!(got[1], "请输入您的姓名：");
        assert!(got[5].contains("等待组织者审核"), "{got:#?}");
        for m in fake.sent(MEMBER) {
            assert_eq!(m["parse_mode"], "HTML");
        }
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].name.as_str(),
                rows[0].phone.as_str(),
                rows[0].years.as_str()
            ),
            ("张三", "13800000000", "5")
        );
        assert_eq!(
            (rows[0].platform.as_str(), rows[0].user.as_str()),
            ("telegram", "111")
        );

        let (_, approve, reject) = decision(&fake, "telegram:111").await;
        assert_eq!(approve, "/approve 1 telegram:111");
        assert_eq!(reject, "/reject 1 telegram:111");

        // the command menu in both languages, from the core's list
        let menus = fake.calls("setMyCommands");
        assert_eq!(menus.len(), 3, "{menus:#?}");
        let langs: Vec<Value> = menus
            .iter()
            .map(|c| c.body["language_code"].clone())
            .collect();
        assert!(
            langs.contains(&Value::from("zh")) && langs.contains(&Value::from("en")),
            "{langs:?}"
        );
        let en = menus
            .iter()
            .find(|c| c.body["language_code"] == "en")
            .unwrap();
        let names: Vec<&str> = en.body["commands"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["command"].as_str())
            .collect();
        assert!(
            names.contains(&"register") && names.contains(&"checkin_code"),
            "{names:?}"
        );

        // the offset is durable
        until("the offset", || fake.unconfirmed() == 0).await;
        let offset = t.app.store.kv_get("telegram:offset").await.unwrap();
        assert_eq!(offset.as_deref(), Some("6"));
        assert_eq!(common::drained(&t, Platform::Telegram).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_approves_by_button_and_the_member_gets_a_one_person_invite_link() {
    let t = bounded(async {
        let (t, fake) = start().await;
        fake.user_says(
            MEMBER,
            "/register 1 name=张三 phone=13800000000 position=后端工程师 years=5",
        );
        let (msg, approve, _) = decision(&fake, "telegram:111").await;
        let before = fake.sent(MEMBER).len();

        fake.press(ORGANIZER, msg, &approve);
        until("the callback answer", || {
            !fake.calls("answerCallbackQuery").is_empty()
        })
        .await;
        until("the approval", || fake.sent(MEMBER).len() > before).await;
        let approval = fake.texts(MEMBER)[before].clone();
        assert!(approval.contains("已通过"), "{approval}");
        assert!(approval.contains("https://t.me/+fakeLink1"), "{approval}");

        let link = &fake.calls("createChatInviteLink")[0].body;
        assert_eq!(link["member_limit"], 1);
        assert_eq!(link["chat_id"].to_string().trim_matches('"'), GROUP);

        until("the calendar invite", || {
            !fake.calls("sendDocument").is_empty()
        })
        .await;
        let doc = &fake.calls("sendDocument")[0];
        assert_eq!(doc.body["chat_id"], MEMBER);
        assert!(
            doc.raw.contains(".ics") && doc.raw.contains("BEGIN:VCALENDAR"),
            "{}",
            doc.raw
        );

        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows[0].status, "approved");
        until("the organizer's confirmation", || {
            fake.texts(ORGANIZER)
                .iter()
                .any(|t| t.contains("已批准 1 人"))
        })
        .await;
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_subscriber_is_notified_of_a_job_posted_from_the_console() {
    let t = bounded(async {
        let (t, fake) = start().await;
        fake.user_says(MEMBER, "/subscribe rust");
        until("the subscription", || !fake.sent(MEMBER).is_empty()).await;
        let post = "/post title=\"Rust CLI tool\" description=\"Build a CLI in Rust\" tags=rust budget=5000-8000 deadline=365天 acceptance=\"tests pass\"";
        t.app.core.submit(Inbound::text(UserRef::new(Platform::Console, "client"), post)).await.expect("post");
        until("the notification", || fake.texts(MEMBER).iter().any(|t| t.contains("Rust CLI tool"))).await;
        let note = fake.texts(MEMBER).into_iter().find(|t| t.contains("Rust CLI tool")).unwrap();
        assert!(note.contains("📢"), "{note}");
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn flood_control_delays_messages_but_loses_none() {
    let t = bounded(async {
        let (t, fake) = start().await;
        fake.flood("sendMessage", 1);
        fake.flood("sendMessage", 1);
        let t0 = std::time::Instant::now();
        fake.user_says(MEMBER, "/register 1");
        until("both replies", || fake.sent(MEMBER).len() >= 2).await;
        assert!(
            t0.elapsed() >= Duration::from_secs(2),
            "retry_after was honoured: {:?}",
            t0.elapsed()
        );
        let got = fake.texts(MEMBER);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!(got[1], "请输入您的姓名：");
        let failed = fake
            .calls("sendMessage")
            .iter()
            .filter(|c| c.body.get("_failed").is_some())
            .count();
        assert_eq!(failed, 2);
        assert_eq!(common::drained(&t, Platform::Telegram).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn webhook_mode_refuses_a_wrong_secret_and_handles_an_update_once() {
    let t = bounded(async {
        let (t, fake) = start_with("webhook_secret = \"s3cret-Token_1\"").await;
        let url = format!("{}/webhooks/telegram", t.base);
        let update = serde_json::json!({"update_id": 501, "message": {"message_id": 10, "from": user(MEMBER, "en"), "chat": private_chat(MEMBER), "date": 1_700_000_000, "text": "/help"}});
        let post = |secret: Option<&'static str>| {
            let mut req = t.http.post(&url).json(&update);
            if let Some(s) = secret {
                req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
            }
            req.send()
        };
        assert_eq!(post(None).await.unwrap().status(), 401);
        assert_eq!(post(Some("wrong")).await.unwrap().status(), 401);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(fake.sent(MEMBER).is_empty(), "no effect");
        assert!(fake.calls("getUpdates").is_empty(), "no polling in webhook mode");

        assert_eq!(post(Some("s3cret-Token_1")).await.unwrap().status(), 200);
        until("the help", || !fake.sent(MEMBER).is_empty()).await;
        // Telegram delivers again: no second effect
        assert_eq!(post(Some("s3cret-Token_1")).await.unwrap().status(), 200);
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(fake.sent(MEMBER).len(), 1, "{:#?}", fake.texts(MEMBER));
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_question_from_the_console_is_answered_by_replying_to_it_in_telegram() {
    let t = bounded(async {
        let (t, fake) = start().await;
        // The client is on Telegram and posts a job; a developer asks from the console.
        let post = "/post title=\"Rust CLI tool\" description=\"Build a CLI in Rust\" tags=rust budget=5000-8000 deadline=365天 acceptance=\"tests pass\"";
        fake.user_says(MEMBER, post);
        until("the job is posted", || fake.texts(MEMBER).iter().any(|t| t.contains("需求 #1 已发布"))).await;
        let dev = UserRef::new(Platform::Console, "dev");
        t.app.core.submit(Inbound::text(dev.clone(), "/ask 1 需要支持 Windows 吗？")).await.expect("ask");
        let relayed = eventually("the relayed question", || {
            fake.sent(MEMBER).into_iter().find(|b| b["text"].as_str().is_some_and(|s| s.contains("问题 #1")))
        })
        .await;
        let relayed_id = relayed["_message_id"].as_i64().expect("a message id");
        // Wait until the delivery (and its message id) is recorded, then reply to it.
        until("the relayed question is settled", || {
            futures::executor::block_on(t.app.store.outbox_pending(Platform::Telegram, None)).unwrap_or(1) == 0
        })
        .await;
        fake.user_replies(MEMBER, "要，Windows 10 以上", Some(relayed_id));
        until("the answer is acknowledged", || fake.texts(MEMBER).iter().any(|s| s.contains("v2"))).await;
        t.app.core.submit(Inbound::text(dev, "/faq 1")).await.expect("faq");
        let far = chrono::Utc::now() + chrono::Duration::days(1);
        let to_dev = t.app.store.outbox_due(Platform::Console, Some("dev"), &[], far, 100).await.expect("outbox");
        let texts: Vec<&str> = to_dev.iter().map(|r| r.reply.text.as_str()).collect();
        assert!(texts.iter().any(|s| s.contains("💬") && s.contains("要，Windows 10 以上")), "the answer reached the asker: {texts:?}");
        assert!(texts.iter().any(|s| s.contains("公开问答") && s.contains("要，Windows 10 以上")), "and the FAQ: {texts:?}");
        t
    })
    .await;
    t.shutdown().await;
}
