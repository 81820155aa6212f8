//! The Discord adapter without the app: the spec's gateway fixtures → events, escaping,
//! custom ids, the command list, and REST (serenity with its limiter off behind the
//! proxy) against a small fake: 429s become outbox retries, DMs, threads, roles, and
//! interaction responses within the 3 s window.
#![cfg(feature = "discord")]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yunqi_adapters::discord::inbound::{from_command, from_component, from_message, thread_key};
use yunqi_adapters::discord::interact::Interact;
use yunqi_adapters::discord::render::{self, CustomId};
use yunqi_adapters::discord::serenity::all::{Interaction, Message, UserId};
use yunqi_adapters::discord::{api, commands, DiscordConfig, DiscordOutbound, DiscordState};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Button, Invite, Outgoing, Recipient, Reply};
use yunqi_bot::ports::{Delivery, Kv, StoreResult};
use yunqi_bot::runtime::{CoreError, EventSink, Handled};
use yunqi_bot::{EventKind, Inbound, Locale, Platform, UserRef};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

const MEMBER: &str = r#"{"user":{"id":"800000000000000001","username":"alice","discriminator":"0","global_name":"Alice","avatar":null},"nick":null,"roles":[],"joined_at":"2024-01-01T00:00:00.000000+00:00","deaf":false,"mute":false,"flags":0,"pending":false,"permissions":"2248473465835073"}"#;

fn command_json(args: Option<&str>) -> Value {
    let options = match args {
        Some(a) => json!([{"name": "args", "type": 3, "value": a}]),
        None => json!([]),
    };
    json!({"id":"400000000000000001","application_id":"900000000000000001","type":2,"data":{"id":"300000000000000001","name":"register","type":1,"options":options},"guild_id":"700000000000000001","channel_id":"600000000000000001","channel":{"id":"600000000000000001","type":0,"name":"general","guild_id":"700000000000000001"},"member":serde_json::from_str::<Value>(MEMBER).unwrap(),"token":"itoken-400000000000000001","version":1,"app_permissions":"2248473465835073","locale":"en-US","guild_locale":"en-US","entitlements":[],"authorizing_integration_owners":{"0":"700000000000000001"},"context":0,"attachment_size_limit":10485760})
}

fn component_json(custom_id: &str) -> Value {
    json!({"id":"400000000000000002","application_id":"900000000000000001","type":3,"data":{"custom_id":custom_id,"component_type":2},"guild_id":"700000000000000001","channel_id":"600000000000000001","channel":{"id":"600000000000000001","type":0,"name":"general","guild_id":"700000000000000001"},"member":serde_json::from_str::<Value>(MEMBER).unwrap(),"token":"itoken-400000000000000002","version":1,"app_permissions":"2248473465835073","locale":"zh-CN","guild_locale":"en-US","entitlements":[],"authorizing_integration_owners":{"0":"700000000000000001"},"context":0,"attachment_size_limit":10485760,"message":message_json("500000000000000050", true)})
}

fn message_json(id: &str, bot: bool) -> Value {
    json!({"id":id,"channel_id":"600000000000000001","guild_id":"700000000000000001","author":{"id": if bot {"900000000000000001"} else {"800000000000000001"},"username":"x","discriminator":"0","global_name":null,"avatar":null,"bot":bot},"content":"hello bot","timestamp":"2024-01-01T00:00:00.000000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":0,"components":[]})
}

fn interaction(v: Value) -> Interaction {
    serde_json::from_value(v).expect("an interaction")
}

// ---------------------------------------------------------------- fixtures → events

#[test]
fn a_slash_command_is_its_text_with_the_args_answered_inline() {
    let Interaction::Command(c) = interaction(command_json(Some("1 name=Alice"))) else {
        panic!()
    };
    let ev = from_command(&c);
    assert_eq!(ev.kind, EventKind::Text("/register 1 name=Alice".into()));
    assert_eq!(
        ev.user,
        UserRef::new(Platform::Discord, "800000000000000001")
    );
    assert_eq!(ev.conversation.as_deref(), Some("600000000000000001"));
    assert_eq!(ev.event_id.as_deref(), Some("i400000000000000001"));
    assert_eq!(ev.locale_hint, Some(Locale::En));
    assert!(ev.reply_inline);
    let Interaction::Command(bare) = interaction(command_json(None)) else {
        panic!()
    };
    assert_eq!(
        from_command(&bare).kind,
        EventKind::Text("/register".into())
    );
}

#[test]
fn a_button_press_carries_its_custom_id_and_the_pressed_message() {
    let Interaction::Component(c) = interaction(component_json("/approve 1 discord:8")) else {
        panic!()
    };
    let ev = from_component(&c).unwrap();
    assert_eq!(ev.kind, EventKind::Button("/approve 1 discord:8".into()));
    assert_eq!(ev.message_id.as_deref(), Some("500000000000000050"));
    assert_eq!(ev.locale_hint, Some(Locale::Zh));
}

#[test]
fn messages_map_to_their_thread_and_bots_are_ignored() {
    let m: Message = serde_json::from_value(message_json("500000000000000001", false)).unwrap();
    let ev = from_message(&m, Some(UserId::new(900000000000000001))).unwrap();
    assert_eq!(ev.message_id.as_deref(), Some("500000000000000001"));
    assert_eq!(ev.kind, EventKind::Text("hello bot".into()));
    assert_eq!(ev.conversation.as_deref(), Some("600000000000000001"));

    let mut reply = message_json("500000000000000002", false);
    reply["type"] = json!(19);
    reply["message_reference"] =
        json!({"type":0,"message_id":"500000000000000040","channel_id":"600000000000000001"});
    let m: Message = serde_json::from_value(reply).unwrap();
    assert_eq!(
        thread_key(&m),
        "500000000000000040",
        "a reply belongs to its parent's thread"
    );

    let mut in_thread = message_json("500000000000000003", false);
    in_thread["channel_id"] = json!("500000000000000040");
    in_thread["position"] = json!(2);
    let m: Message = serde_json::from_value(in_thread).unwrap();
    assert_eq!(
        thread_key(&m),
        "500000000000000040",
        "a thread started from a message has its id"
    );

    let mut dm = message_json("500000000000000004", false);
    dm.as_object_mut().unwrap().remove("guild_id");
    let m: Message = serde_json::from_value(dm).unwrap();
    assert_eq!(from_message(&m, None).unwrap().conversation, None);

    let mut mention = message_json("500000000000000005", false);
    mention["content"] = json!("<@900000000000000001> register 1");
    let m: Message = serde_json::from_value(mention).unwrap();
    assert_eq!(
        from_message(&m, Some(UserId::new(900000000000000001)))
            .unwrap()
            .kind,
        EventKind::Text("register 1".into())
    );

    let b: Message = serde_json::from_value(message_json("500000000000000006", true)).unwrap();
    assert!(from_message(&b, None).is_none());
    let mut empty = message_json("500000000000000007", false);
    empty["content"] = json!("");
    let m: Message = serde_json::from_value(empty).unwrap();
    assert!(
        from_message(&m, None).is_none(),
        "no MESSAGE_CONTENT intent: nothing to read"
    );
}

// ---------------------------------------------------------------- render, ids, commands

#[test]
fn markdown_is_escaped_but_links_stay_clickable() {
    let cases = [
        (
            "snake_case *bold* ~x~ `c` a|b \\",
            "snake\\_case \\*bold\\* \\~x\\~ \\`c\\` a\\|b \\\\",
        ),
        (
            "> not a quote\n# not a title\n- not a list",
            "\\> not a quote\n\\# not a title\n\\- not a list",
        ),
        (
            "see https://e.com/a_b*c ok_",
            "see https://e.com/a_b*c ok\\_",
        ),
        ("2024-01-31 10:00 > 9", "2024-01-31 10:00 > 9"),
    ];
    for (input, want) in cases {
        assert_eq!(render::escape(input), want, "{input:?}");
    }
    let long = "_".repeat(1500);
    assert_eq!(render::content(&long), long, "too long once escaped: plain");
}

#[test]
fn a_command_up_to_100_characters_is_its_custom_id_and_a_longer_one_a_stored_key() {
    let short = format!("/approve 1 discord:{}", "1".repeat(18));
    assert_eq!(render::custom_id(&short), CustomId::Inline(short.clone()));
    let hundred = "报".repeat(100);
    assert!(
        matches!(render::custom_id(&hundred), CustomId::Inline(_)),
        "characters, not bytes"
    );
    let long = "x".repeat(101);
    let CustomId::Stored { id, kv_key } = render::custom_id(&long) else {
        panic!()
    };
    assert!(id.len() <= 100 && id.starts_with("cb:"));
    assert_eq!(render::stored_key(&id), Some(kv_key));
}

#[test]
fn every_core_command_is_a_slash_command_with_a_valid_name_and_description() {
    let list = serde_json::to_value(commands::commands()).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), yunqi_bot::command::Name::all().count());
    for c in list {
        let name = c["name"].as_str().unwrap();
        assert!(
            !name.is_empty()
                && name.len() <= 32
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
            "{name}"
        );
        let d = c["description"].as_str().unwrap();
        assert!(!d.is_empty() && d.chars().count() <= 100, "{d}");
        assert!(c["description_localizations"]["zh-CN"].is_string());
    }
    let help = list.iter().find(|c| c["name"] == "help").unwrap();
    assert!(
        help.get("options")
            .is_none_or(|o| o.as_array().is_none_or(Vec::is_empty)),
        "no arguments: no option"
    );
}

// ---------------------------------------------------------------- a small fake REST API

#[derive(Default)]
struct Rest {
    calls: Mutex<Vec<(String, String, Value, String)>>,
    inject: Mutex<VecDeque<(String, u16, Value)>>,
}

impl Rest {
    fn calls(&self) -> Vec<(String, String, Value, String)> {
        lock(&self.calls).clone()
    }
    fn paths(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .map(|c| format!("{} {}", c.0, c.1))
            .collect()
    }
}

async fn rest(State(r): State<Arc<Rest>>, method: Method, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let raw = String::from_utf8_lossy(&body).to_string();
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    lock(&r.calls).push((method.to_string(), path.clone(), v.clone(), raw));
    let injected = {
        let mut q = lock(&r.inject);
        match q.front() {
            Some((p, _, _)) if path.starts_with(p.as_str()) => q.pop_front(),
            _ => None,
        }
    };
    if let Some((_, s, b)) = injected {
        return (StatusCode::from_u16(s).unwrap(), Json(b)).into_response();
    }
    let seg: Vec<&str> = path.split('/').collect();
    let msg = |id: &str, ch: &str| json!({"id":id,"channel_id":ch,"author":{"id":"900000000000000001","username":"bot","discriminator":"0","global_name":null,"avatar":null,"bot":true},"content":"x","timestamp":"2024-01-01T00:00:00.000000+00:00","edited_timestamp":null,"tts":false,"mention_everyone":false,"mentions":[],"mention_roles":[],"attachments":[],"embeds":[],"pinned":false,"type":0,"flags":0,"components":[]});
    match (method.as_str(), seg.as_slice()) {
        ("POST", ["", "users", "@me", "channels"]) => Json(json!({"id":"610000000000000001","type":1,"last_message_id":null,"recipients":[{"id":"800000000000000001","username":"a","discriminator":"0","global_name":null,"avatar":null}]})).into_response(),
        ("POST", ["", "channels", ch, "messages"]) => Json(msg("500000000000000099", ch)).into_response(),
        ("POST", ["", "channels", ch, "messages", m, "threads"]) => (StatusCode::CREATED, Json(json!({"id":m,"type":11,"guild_id":"700000000000000001","parent_id":ch,"owner_id":"900000000000000001","name":"t","thread_metadata":{"archived":false,"auto_archive_duration":1440,"archive_timestamp":"2024-01-01T00:00:00.000000+00:00","locked":false},"message_count":0,"member_count":1,"rate_limit_per_user":0,"flags":0,"total_message_sent":0}))).into_response(),
        ("PUT", ["", "guilds", ..]) | ("POST", ["", "interactions", ..]) => StatusCode::NO_CONTENT.into_response(),
        (_, ["", "webhooks", ..]) => Json(msg("500000000000000098", "600000000000000001")).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({"message":"404: Not Found","code":0}))).into_response(),
    }
}

async fn fake_rest() -> (Arc<Rest>, DiscordConfig) {
    let r = Arc::new(Rest::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().fallback(rest).with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let cfg = DiscordConfig {
        token: Some("TEST.BOT.TOKEN".into()),
        application_id: Some("900000000000000001".into()),
        api_base: Some(base),
        guild_id: Some("700000000000000001".into()),
        ..DiscordConfig::default()
    };
    (r, cfg)
}

#[derive(Default)]
struct MemKv(Mutex<HashMap<String, String>>);

impl Kv for MemKv {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move { Ok(lock(&self.0).get(key).cloned()) })
    }
    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            lock(&self.0).insert(key.into(), value.into());
            Ok(())
        })
    }
}

async fn outbound() -> (Arc<Rest>, DiscordOutbound) {
    let (r, cfg) = fake_rest().await;
    let http = Arc::new(api::http(&cfg).unwrap());
    let shared = DiscordState::new(Arc::new(MemKv::default()), cfg.guild_id());
    (r, DiscordOutbound::new(http, shared))
}

fn fitted(conversation: Option<&str>, text: &str) -> Fitted {
    Fitted {
        to: Recipient {
            user: UserRef::new(Platform::Discord, "800000000000000001"),
            conversation: conversation.map(String::from),
        },
        text: text.into(),
        buttons: Vec::new(),
        attachment: None,
        thread: None,
        invite: None,
    }
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("bounded")
}

#[tokio::test]
async fn a_direct_message_opens_the_dm_once_and_sends_escaped_content_with_buttons() {
    bounded(async {
        let (r, out) = outbound().await;
        let mut f = fitted(None, "pick_one");
        f.buttons = vec![Button {
            label: "批准".into(),
            command: "/approve 1 discord:8".into(),
            style: yunqi_bot::message::ButtonStyle::Primary,
        }];
        assert_eq!(
            out.send(&f).await,
            Delivery::Sent {
                message_id: Some("500000000000000099".into())
            }
        );
        out.send(&fitted(None, "again")).await;
        let paths = r.paths();
        assert_eq!(
            paths
                .iter()
                .filter(|p| *p == "POST /users/@me/channels")
                .count(),
            1,
            "{paths:?}"
        );
        let posts: Vec<_> = r
            .calls()
            .into_iter()
            .filter(|c| c.1 == "/channels/610000000000000001/messages")
            .collect();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].2["content"], "pick\\_one");
        assert_eq!(
            posts[0].2["components"][0]["components"][0]["custom_id"],
            "/approve 1 discord:8"
        );
        assert_eq!(posts[0].2["components"][0]["components"][0]["style"], 1);
        assert_eq!(posts[0].2["allowed_mentions"]["parse"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn a_429_is_an_outbox_retry_and_a_403_a_failure() {
    bounded(async {
        let (r, out) = outbound().await;
        lock(&r.inject).push_back((
            "/channels/".into(),
            429,
            json!({"message":"You are being rate limited.","retry_after":0.5,"global":false}),
        ));
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Retry { .. }
        ));
        lock(&r.inject).push_back((
            "/channels/".into(),
            403,
            json!({"message":"Missing Access","code":50001}),
        ));
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Failed { .. }
        ));
        lock(&r.inject).push_back((
            "/channels/".into(),
            502,
            json!({"message":"Bad Gateway","code":0}),
        ));
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Retry { .. }
        ));
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Sent { .. }
        ));
    })
    .await;
}

#[tokio::test]
async fn a_thread_reply_in_a_channel_goes_into_a_thread_started_from_the_message() {
    bounded(async {
        let (r, out) = outbound().await;
        let mut f = fitted(Some("600000000000000001"), "Answer: yes, Windows too");
        f.thread = Some("500000000000000040".into());
        out.send(&f).await;
        let paths = r.paths();
        assert_eq!(
            paths[0],
            "POST /channels/600000000000000001/messages/500000000000000040/threads"
        );
        assert_eq!(paths[1], "POST /channels/500000000000000040/messages");
        // a thread that exists already is used as it is
        lock(&r.inject).push_back((
            "/channels/600000000000000001/messages/500000000000000041/threads".into(),
            400,
            json!({"message":"A thread has already been created for this message","code":160004}),
        ));
        f.thread = Some("500000000000000041".into());
        assert!(matches!(out.send(&f).await, Delivery::Sent { .. }));
        assert_eq!(
            r.paths().last().unwrap(),
            "POST /channels/500000000000000041/messages"
        );
        // in a DM: a reply reference
        let mut dm = fitted(None, "answer");
        dm.thread = Some("500000000000000042".into());
        out.send(&dm).await;
        let last = r.calls().pop().unwrap();
        assert_eq!(
            last.2["message_reference"]["message_id"],
            "500000000000000042"
        );
    })
    .await;
}

#[tokio::test]
async fn an_approval_grants_the_salon_role_before_the_message() {
    bounded(async {
        let (r, out) = outbound().await;
        let mut f = fitted(None, "已通过");
        f.invite = Some(Invite {
            salon: yunqi_bot::ids::SalonId(1),
            registration: yunqi_bot::ids::RegistrationId(2),
            group: Some("710000000000000001".into()),
        });
        lock(&r.inject).push_back(("/guilds/".into(), 500, json!({"message":"oops","code":0})));
        assert!(
            matches!(out.send(&f).await, Delivery::Retry { .. }),
            "nothing posted yet: the retry posts once"
        );
        assert!(!r.paths().iter().any(|p| p.contains("/messages")));
        assert!(matches!(out.send(&f).await, Delivery::Sent { .. }));
        assert!(r.paths().contains(
            &"PUT /guilds/700000000000000001/members/800000000000000001/roles/710000000000000001"
                .to_string()
        ));
        let post = r
            .calls()
            .into_iter()
            .find(|c| c.1.ends_with("/messages"))
            .unwrap();
        assert!(post.2["content"]
            .as_str()
            .unwrap()
            .contains("<@&710000000000000001>"));
    })
    .await;
}

// ---------------------------------------------------------------- interactions

struct SlowSink {
    delay: Duration,
    events: Mutex<Vec<Inbound>>,
}

impl EventSink for SlowSink {
    fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            let to = Recipient {
                user: ev.user.clone(),
                conversation: ev.conversation.clone(),
            };
            lock(&self.events).push(ev);
            Ok(Handled {
                inline: vec![
                    Outgoing::new(to.clone(), Reply::text("first")),
                    Outgoing::new(to, Reply::text("second")),
                ],
                queued: 0,
                duplicate: false,
            })
        })
    }
}

async fn interact(delay: Duration) -> (Arc<Rest>, Interact, Arc<SlowSink>) {
    let (r, cfg) = fake_rest().await;
    let http = Arc::new(api::http(&cfg).unwrap());
    let sink = Arc::new(SlowSink {
        delay,
        events: Mutex::new(Vec::new()),
    });
    let i = Interact {
        http,
        shared: DiscordState::new(Arc::new(MemKv::default()), None),
        sink: sink.clone(),
        ack_wait: Duration::from_millis(300),
    };
    (r, i, sink)
}

#[tokio::test]
async fn a_quick_answer_is_the_ephemeral_response_and_the_rest_follow_ups() {
    bounded(async {
        let (r, i, sink) = interact(Duration::ZERO).await;
        i.on_interaction(interaction(command_json(Some("1")))).await;
        assert_eq!(lock(&sink.events).len(), 1);
        let calls = r.calls();
        assert_eq!(
            calls[0].1,
            "/interactions/400000000000000001/itoken-400000000000000001/callback"
        );
        assert_eq!(calls[0].2["type"], 4);
        assert_eq!(calls[0].2["data"]["content"], "first");
        assert_eq!(calls[0].2["data"]["flags"], 64);
        assert_eq!(
            calls[1].1,
            "/webhooks/900000000000000001/itoken-400000000000000001"
        );
        assert_eq!(calls[1].2["content"], "second");
    })
    .await;
}

#[tokio::test]
async fn a_slow_core_is_deferred_within_the_window_and_the_answer_edits_it() {
    bounded(async {
        let (r, i, _) = interact(Duration::from_millis(1500)).await;
        let t0 = std::time::Instant::now();
        let run =
            tokio::spawn(
                async move { i.on_interaction(interaction(command_json(Some("1")))).await },
            );
        for _ in 0..100 {
            if !r.calls().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            t0.elapsed() < Duration::from_millis(1400),
            "deferred before the core finished"
        );
        assert_eq!(r.calls()[0].2["type"], 5);
        run.await.unwrap();
        let calls = r.calls();
        assert_eq!(
            (calls[1].0.as_str(), calls[1].1.as_str()),
            (
                "PATCH",
                "/webhooks/900000000000000001/itoken-400000000000000001/messages/@original"
            )
        );
        assert_eq!(calls[1].2["content"], "first");
        assert_eq!(calls[2].2["content"], "second");
    })
    .await;
}

#[tokio::test]
async fn a_stored_custom_id_is_resolved_and_a_slow_press_is_acknowledged() {
    bounded(async {
        let (r, i, sink) = interact(Duration::from_millis(600)).await;
        let long = format!("/reject 1 discord:800000000000000001 {}", "x".repeat(100));
        let CustomId::Stored { id, kv_key } = render::custom_id(&long) else {
            panic!()
        };
        i.shared.kv.kv_put(&kv_key, &long).await.unwrap();
        i.on_interaction(interaction(component_json(&id))).await;
        assert_eq!(lock(&sink.events)[0].kind, EventKind::Button(long));
        let calls = r.calls();
        assert_eq!(calls[0].2["type"], 6, "a deferred update for a press");
        assert!(
            calls[1].1.starts_with("/webhooks/"),
            "replies as follow-ups"
        );
    })
    .await;
}
