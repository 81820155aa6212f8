//! The Telegram adapter without the app: escaping (the spec's vectors), callback data,
//! update fixtures → events, the command menu, and the sending side, the webhook and the
//! polling loop against a small fake Bot API on 127.0.0.1.
#![cfg(feature = "telegram")]

use crate::config::telegram as fake;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::{MemKv, Sink};
use tower::ServiceExt;
use yunqi_adapters::telegram::inbound::{from_update, Incoming};
use yunqi_adapters::telegram::render::{self, CallbackData};
use yunqi_adapters::telegram::teloxide::types::Update;
use yunqi_adapters::telegram::{commands, BotIdentity, TelegramOutbound, TelegramState};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Attachment, Button, Invite, Recipient};
use yunqi_bot::ports::{Delivery, Kv};
use yunqi_bot::{EventKind, Inbound, Locale, Platform, UserRef};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------- escaping

#[test]
fn markdown_and_html_escaping_match_the_spec_vectors() {
    let cases = [
        ("Hello, world!", "Hello, world\\!", "Hello, world!"),
        (
            "Price: 5.00 (approx) - 10% off!",
            "Price: 5\\.00 \\(approx\\) \\- 10% off\\!",
            "Price: 5.00 (approx) - 10% off!",
        ),
        (
            "a_b*c[d]e(f)g~h`i>j#k+l-m=n|o{p}q.r!s\\t",
            "a\\_b\\*c\\[d\\]e\\(f\\)g\\~h\\`i\\>j\\#k\\+l\\-m\\=n\\|o\\{p\\}q\\.r\\!s\\\\t",
            "a_b*c[d]e(f)g~h`i&gt;j#k+l-m=n|o{p}q.r!s\\t",
        ),
        (
            "x < y && y > z \"quoted\" 'single'",
            "x < y && y \\> z \"quoted\" 'single'",
            "x &lt; y &amp;&amp; y &gt; z \"quoted\" 'single'",
        ),
        (
            "snake_case_name.rs",
            "snake\\_case\\_name\\.rs",
            "snake_case_name.rs",
        ),
        (
            "Welcome! What's your name? (v1.0)",
            "Welcome\\! What's your name? \\(v1\\.0\\)",
            "Welcome! What's your name? (v1.0)",
        ),
        ("Alice <A&B>", "Alice <A&B\\>", "Alice &lt;A&amp;B&gt;"),
    ];
    for (input, md, html) in cases {
        assert_eq!(render::escape_markdown(input), md, "markdown {input:?}");
        assert_eq!(render::escape_html(input), html, "html {input:?}");
        assert_eq!(render::html(input), html);
    }
    assert_eq!(
        render::escape_markdown_code("let s = `x\\y`;"),
        "let s = \\`x\\\\y\\`;"
    );
    assert_eq!(
        render::escape_markdown_url("https://e.com/a_(b)"),
        "https://e.com/a_(b\\)"
    );
    assert_eq!(
        render::escape_markdown_url("https://e.com/a\\b"),
        "https://e.com/a\\\\b"
    );
}

// ---------------------------------------------------------------- callback data

#[test]
fn a_command_up_to_64_bytes_is_its_own_callback_data_and_a_longer_one_a_stored_key() {
    assert_eq!(
        render::callback_data("/approve 1 telegram:111"),
        CallbackData::Inline("/approve 1 telegram:111".into())
    );
    let exactly = format!("/job {}", "9".repeat(59));
    assert_eq!(exactly.len(), 64);
    assert!(matches!(
        render::callback_data(&exactly),
        CallbackData::Inline(_)
    ));
    // 22 chars but 64+ bytes: bytes are what count
    let chinese = format!("/reject 1 telegram:111 {}", "原因".repeat(7));
    assert!(chinese.chars().count() < 64 && chinese.len() > 64);
    for long in [
        chinese,
        format!("/reject 1 telegram:111 {}", "x".repeat(80)),
    ] {
        let CallbackData::Stored { id: data, kv_key } = render::callback_data(&long) else {
            panic!("{long} should be stored");
        };
        assert!(data.len() <= 64 && data.starts_with("cb:"), "{data}");
        assert_eq!(render::stored_key(&data), Some(kv_key.clone()));
        assert_eq!(
            render::callback_data(&long).id(),
            data,
            "the same command, the same key"
        );
    }
    assert!(matches!(
        render::callback_data("cb:looks-like-a-key"),
        CallbackData::Stored { .. }
    ));
    assert_eq!(render::stored_key("/help"), None);
}

#[test]
fn buttons_become_an_inline_keyboard_two_a_row() {
    let b = |l: &str, c: &str| Button {
        label: l.into(),
        command: c.into(),
        style: Default::default(),
    };
    let kb = render::keyboard(&[
        b("批准", "/approve 1 telegram:1"),
        b("拒绝", "/reject 1 telegram:1"),
        b("详情", "/job 3"),
    ])
    .unwrap();
    let v = serde_json::to_value(&kb).unwrap();
    assert_eq!(
        v["inline_keyboard"][0][0],
        json!({"text": "批准", "callback_data": "/approve 1 telegram:1"})
    );
    assert_eq!(v["inline_keyboard"][0].as_array().unwrap().len(), 2);
    assert_eq!(v["inline_keyboard"][1][0]["callback_data"], "/job 3");
    assert!(render::keyboard(&[]).is_none());
}

// ---------------------------------------------------------------- updates → events

/// Parsed from text as Telegram's bodies are (teloxide's `UpdateKind` does not read
/// from a `serde_json::Value`).
fn update(v: Value) -> Update {
    serde_json::from_str(&v.to_string()).expect("a valid update")
}

fn me() -> BotIdentity {
    BotIdentity {
        id: Some(999),
        username: Some("yunqi_bot".into()),
    }
}

fn event(i: Incoming) -> Inbound {
    match i {
        Incoming::Event(ev) => ev,
        other => panic!("not an event: {other:?}"),
    }
}

#[test]
fn a_private_message_is_a_text_event_keyed_by_chat_and_message() {
    let u = update(
        json!({"update_id":1,"message":{"message_id":10,"from":{"id":111,"is_bot":false,"first_name":"Alice","username":"alice","language_code":"en"},"chat":{"id":111,"first_name":"Alice","username":"alice","type":"private"},"date":1700000000,"text":"/start","entities":[{"offset":0,"length":6,"type":"bot_command"}]}}),
    );
    let ev = event(from_update(&u, &me()));
    assert_eq!(ev.event_id.as_deref(), Some("1"));
    assert_eq!(ev.user, UserRef::new(Platform::Telegram, "111"));
    assert_eq!(ev.conversation, None);
    assert_eq!(ev.message_id.as_deref(), Some("111:10"));
    assert_eq!(ev.locale_hint, Some(Locale::En));
    assert_eq!(ev.kind, EventKind::Text("/start".into()));
    assert!(!ev.reply_inline);
}

#[test]
fn a_reply_belongs_to_the_thread_of_the_message_it_answers() {
    let u = update(
        json!({"update_id":7,"message":{"message_id":15,"from":{"id":111,"is_bot":false,"first_name":"Alice"},"chat":{"id":111,"first_name":"Alice","type":"private"},"date":1700000005,"text":"It must run on Windows too",
        "reply_to_message":{"message_id":102,"from":{"id":999,"is_bot":true,"first_name":"YunqiBot","username":"yunqi_bot"},"chat":{"id":111,"first_name":"Alice","type":"private"},"date":1700000001,"text":"Q1: which platforms?"}}}),
    );
    let ev = event(from_update(&u, &me()));
    assert_eq!(ev.message_id.as_deref(), Some("111:102"));
    assert_eq!(
        ev.kind,
        EventKind::Text("It must run on Windows too".into())
    );
}

#[test]
fn a_group_message_names_its_chat_and_a_command_for_another_bot_is_left_alone() {
    let topic = update(
        json!({"update_id":4,"message":{"message_id":55,"message_thread_id":54,"is_topic_message":true,"from":{"id":111,"is_bot":false,"first_name":"Alice"},"chat":{"id":-1001234567890i64,"title":"Team","type":"supergroup","is_forum":true},"date":1700000100,"text":"/register@yunqi_bot 1"}}),
    );
    let ev = event(from_update(&topic, &me()));
    assert_eq!(ev.conversation.as_deref(), Some("-1001234567890"));
    assert_eq!(ev.message_id.as_deref(), Some("-1001234567890:55"));
    let other = update(
        json!({"update_id":5,"message":{"message_id":56,"from":{"id":111,"is_bot":false,"first_name":"Alice"},"chat":{"id":-100123,"title":"Team","type":"supergroup"},"date":1700000100,"text":"/register@other_bot 1"}}),
    );
    assert_eq!(from_update(&other, &me()), Incoming::Ignored);
}

#[test]
fn bots_edits_and_non_text_are_ignored_and_menu_names_map_back_to_core_commands() {
    let from_bot = update(
        json!({"update_id":8,"message":{"message_id":1,"from":{"id":5,"is_bot":true,"first_name":"B"},"chat":{"id":5,"first_name":"B","type":"private"},"date":1,"text":"hi"}}),
    );
    assert_eq!(from_update(&from_bot, &me()), Incoming::Ignored);
    let edit = update(
        json!({"update_id":9,"edited_message":{"message_id":1,"from":{"id":1,"is_bot":false,"first_name":"A"},"chat":{"id":1,"first_name":"A","type":"private"},"date":1,"edit_date":2,"text":"hi"}}),
    );
    assert_eq!(from_update(&edit, &me()), Incoming::Ignored);
    let menu = update(
        json!({"update_id":10,"message":{"message_id":2,"from":{"id":1,"is_bot":false,"first_name":"A"},"chat":{"id":1,"first_name":"A","type":"private"},"date":1,"text":"/checkin_code 1"}}),
    );
    assert_eq!(
        event(from_update(&menu, &me())).kind,
        EventKind::Text("/checkin-code 1".into())
    );
    assert_eq!(
        commands::to_core("/checkin_code@yunqi_bot 2"),
        "/checkin-code@yunqi_bot 2"
    );
    assert_eq!(commands::to_core("/unknown_thing"), "/unknown_thing");
    assert_eq!(commands::to_core("snake_case"), "snake_case");
}

#[test]
fn a_button_press_is_answered_and_becomes_a_button_event() {
    let u = update(
        json!({"update_id":3,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":111,"is_bot":false,"first_name":"Alice","username":"alice","language_code":"en"},"message":{"message_id":102,"from":{"id":999,"is_bot":true,"first_name":"TestBot","username":"test_bot"},"chat":{"id":111,"first_name":"Alice","username":"alice","type":"private"},"date":1700000010,"text":"Alice <A&B>, pick a role","reply_markup":{"inline_keyboard":[[{"text":"Developer","callback_data":"reg:role:dev"}]]}},"chat_instance":"-1234567890123456789","data":"reg:role:dev"}}),
    );
    let Incoming::Press {
        callback_id,
        event: Some(ev),
    } = from_update(&u, &me())
    else {
        panic!("a press");
    };
    assert_eq!(callback_id, "4382bfdwdsb323b2d9");
    assert_eq!(ev.kind, EventKind::Button("reg:role:dev".into()));
    assert_eq!(ev.message_id.as_deref(), Some("111:102"));
    assert_eq!(ev.event_id.as_deref(), Some("3"));
}

#[test]
fn the_menu_lists_every_core_command_with_valid_names_in_both_languages() {
    let n = yunqi_bot::command::Name::all().count();
    for l in [Locale::Zh, Locale::En] {
        let menu = commands::menu(l);
        assert_eq!(menu.len(), n);
        for c in &menu {
            assert!(
                c.command
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                c.command
            );
            assert!(!c.description.is_empty() && c.description.chars().count() <= 256);
        }
    }
    let zh = commands::menu(Locale::Zh);
    assert!(zh
        .iter()
        .any(|c| c.command == "register" && c.description.starts_with("报名")));
}

fn fitted(text: &str) -> Fitted {
    Fitted {
        to: Recipient::direct(UserRef::new(Platform::Telegram, "111")),
        text: text.into(),
        buttons: Vec::new(),
        attachment: None,
        thread: None,
        invite: None,
    }
}

async fn outbound() -> (Arc<fake::Fake>, TelegramOutbound, Arc<MemKv>) {
    let (api, cfg) = fake::start().await;
    let kv = Arc::new(MemKv::default());
    let bot = yunqi_adapters::telegram::api::bot(&cfg).unwrap();
    let out = TelegramOutbound::new(bot, kv.clone()).with_pacing(Duration::ZERO, Duration::ZERO);
    (api, out, kv)
}

#[tokio::test]
async fn a_thread_reply_is_sent_with_reply_parameters_as_escaped_html() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (api, out, _) = outbound().await;
        let mut f = fitted("Alice <A&B> answered");
        f.thread = Some("111:42".into());
        assert_eq!(
            out.send(&f).await,
            Delivery::Sent {
                message_id: Some("111:101".into())
            }
        );
        let body = &api.calls("sendMessage")[0].body;
        assert_eq!(body["text"], "Alice &lt;A&amp;B&gt; answered");
        assert_eq!(body["parse_mode"], "HTML");
        assert_eq!(body["reply_parameters"]["message_id"], 42);
        assert_eq!(
            body["reply_parameters"]["allow_sending_without_reply"],
            true
        );
        // a thread in another chat is not a reply here
        f.thread = Some("222:42".into());
        out.send(&f).await;
        assert!(api.calls("sendMessage")[1]
            .body
            .get("reply_parameters")
            .is_none());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn flood_control_is_a_retry_after_and_a_blocked_user_a_failure() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (api, out, _) = outbound().await;
        api.inject("sendMessage", 429, json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}}));
        match out.send(&fitted("hi")).await {
            Delivery::Retry { after, .. } => assert_eq!(after, Some(Duration::from_secs(3))),
            d => panic!("{d:?}"),
        }
        api.inject("sendMessage", 403, json!({"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}));
        assert!(matches!(out.send(&fitted("hi")).await, Delivery::Failed { .. }));
        let mut wrong = fitted("hi");
        wrong.to.user = UserRef::new(Platform::Slack, "U1");
        assert!(matches!(out.send(&wrong).await, Delivery::Failed { .. }));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_long_button_command_is_stored_and_the_press_resolves_it() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (api, out, kv) = outbound().await;
        let long = format!("/reject 1 telegram:111 {}", "太晚了".repeat(10));
        let mut f = fitted("decide");
        f.buttons = vec![Button { label: "拒绝".into(), command: long.clone(), style: Default::default() }];
        assert!(matches!(out.send(&f).await, Delivery::Sent { .. }));
        let body = &api.calls("sendMessage")[0].body;
        let data = body["reply_markup"]["inline_keyboard"][0][0]["callback_data"].as_str().unwrap().to_string();
        assert!(data.len() <= 64 && data.starts_with("cb:"));

        let (_, cfg) = fake::start().await;
        let sink = Arc::new(Sink::default());
        let bot = yunqi_adapters::telegram::api::bot(&cfg).unwrap();
        let state = TelegramState::new(bot, sink.clone(), kv.clone(), None);
        let press = update(json!({"update_id":11,"callback_query":{"id":"q1","from":{"id":222,"is_bot":false,"first_name":"O"},"message":{"message_id":77,"from":{"id":999,"is_bot":true,"first_name":"B"},"chat":{"id":222,"first_name":"O","type":"private"},"date":1,"text":"decide"},"chat_instance":"1","data":data}}));
        state.handle(&press).await.unwrap();
        assert_eq!(lock(&sink.events)[0].kind, EventKind::Button(long));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_approval_gets_one_invite_link_and_the_calendar_file_without_repeating_the_text() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (api, out, kv) = outbound().await;
        let mut f = fitted("已通过");
        f.invite = Some(Invite { salon: yunqi_bot::ids::SalonId(1), registration: yunqi_bot::ids::RegistrationId(9), group: Some("-1001234567890".into()) });
        f.attachment = Some(Attachment::text("salon-1.ics", "text/calendar", "BEGIN:VCALENDAR"));
        api.inject("sendDocument", 429, json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}));
        assert!(matches!(out.send(&f).await, Delivery::Retry { .. }));
        assert!(matches!(out.send(&f).await, Delivery::Sent { .. }));
        assert_eq!(api.calls("sendMessage").len(), 1, "the text went out once");
        assert_eq!(api.calls("createChatInviteLink").len(), 1, "one link per registration");
        let link = &api.calls("createChatInviteLink")[0].body;
        assert_eq!(link["member_limit"], 1);
        assert_eq!(link["chat_id"], -1001234567890i64);
        assert!(api.calls("sendMessage")[0].body["text"].as_str().unwrap().contains("https://t.me/+fakeLink1"));
        assert_eq!(api.calls("sendDocument").len(), 2);
        assert!(api.calls("sendDocument")[1].raw.contains("salon-1.ics"));
        assert_eq!(kv.kv_get("telegram:invite:9").await.unwrap().as_deref(), Some("https://t.me/+fakeLink1"));
    })
    .await
    .unwrap();
}

// ---------------------------------------------------------------- webhook and polling

async fn post_update(app: &Router, secret: Option<&str>, body: &str) -> StatusCode {
    let mut req = Request::post("/webhooks/telegram").header("content-type", "application/json");
    if let Some(s) = secret {
        req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
    }
    app.clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_webhook_refuses_a_wrong_or_missing_secret_with_no_effect() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (_, cfg) = fake::start().await;
        let sink = Arc::new(Sink::default());
        let bot = yunqi_adapters::telegram::api::bot(&cfg).unwrap();
        let state = TelegramState::new(bot, sink.clone(), Arc::new(MemKv::default()), Some("s3cret-token"));
        let app = yunqi_adapters::telegram::routes(state);
        let body = r#"{"update_id":1,"message":{"message_id":10,"from":{"id":111,"is_bot":false,"first_name":"A"},"chat":{"id":111,"first_name":"A","type":"private"},"date":1700000000,"text":"/help"}}"#;
        assert_eq!(post_update(&app, None, body).await, StatusCode::UNAUTHORIZED);
        assert_eq!(post_update(&app, Some("wrong"), body).await, StatusCode::UNAUTHORIZED);
        assert_eq!(post_update(&app, Some("s3cret-token-and-more"), body).await, StatusCode::UNAUTHORIZED);
        assert!(lock(&sink.events).is_empty(), "no effect");
        assert_eq!(post_update(&app, Some("s3cret-token"), "not json").await, StatusCode::BAD_REQUEST);
        assert_eq!(post_update(&app, Some("s3cret-token"), body).await, StatusCode::OK);
        assert_eq!(lock(&sink.events).len(), 1);
        assert_eq!(lock(&sink.events)[0].event_id.as_deref(), Some("1"), "update_id is the dedup key");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn polling_hands_updates_over_in_order_and_keeps_the_offset() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (api, cfg) = fake::start().await;
        for (i, text) in ["/register 1", "张三"].iter().enumerate() {
            api.push_update(json!({"update_id": 41 + i, "message": {"message_id": 10 + i, "from": {"id": 111, "is_bot": false, "first_name": "A"}, "chat": {"id": 111, "first_name": "A", "type": "private"}, "date": 1, "text": text}}));
        }
        let sink = Arc::new(Sink::default());
        let kv = Arc::new(MemKv::default());
        let bot = yunqi_adapters::telegram::api::bot(&cfg).unwrap();
        let state = TelegramState::new(bot, sink.clone(), kv.clone(), None);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let opts = yunqi_adapters::telegram::PollOptions { timeout: 1, ..Default::default() };
        let task = tokio::spawn(yunqi_adapters::telegram::run_polling(state, opts, stopped));
        for _ in 0..200 {
            if lock(&sink.events).len() >= 2 && kv.kv_get("telegram:offset").await.unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let texts: Vec<EventKind> = lock(&sink.events).iter().map(|e| e.kind.clone()).collect();
        assert_eq!(texts, vec![EventKind::Text("/register 1".into()), EventKind::Text("张三".into())]);
        assert_eq!(kv.kv_get("telegram:offset").await.unwrap().as_deref(), Some("43"));
        stop.send(true).unwrap();
        task.await.unwrap();
        assert_eq!(lock(&sink.events).len(), 2, "confirmed updates are not handed over twice");
        assert!(!api.calls("deleteWebhook").is_empty(), "polling clears any webhook first");
        let polls = api.calls("getUpdates");
        assert!(polls.iter().any(|c| c.body["offset"] == 43), "{polls:?}");
    })
    .await
    .unwrap();
}
