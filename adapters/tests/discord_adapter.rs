//! The Discord adapter without the app: the spec's gateway fixtures → events, escaping,
//! custom ids, the command list, and REST (serenity with its limiter off behind the
//! proxy) against the test kit's fake: 429s become outbox retries, DMs, threads, roles, and
//! interaction responses within the 3 s window.
#![cfg(feature = "discord")]

use crate::config::discord as fake;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::{MemKv, Sink};
use yunqi_adapters::discord::inbound::{from_command, from_component, from_message, thread_key};
use yunqi_adapters::discord::interact::Interact;
use yunqi_adapters::discord::render::{self, CustomId};
use yunqi_adapters::discord::serenity::all::{Interaction, Message, UserId};
use yunqi_adapters::discord::{api, commands, DiscordOutbound, DiscordState};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Button, Invite, Recipient};
use yunqi_bot::ports::Delivery;
use yunqi_bot::{EventKind, Locale, Platform, UserRef};

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

async fn outbound() -> (Arc<fake::Fake>, DiscordOutbound) {
    let (r, cfg) = fake::start().await;
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
                message_id: Some("500000000000000100".into())
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
            .filter(|c| c.path == "/channels/610000000000000001/messages")
            .collect();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].body["content"], "pick\\_one");
        assert_eq!(
            posts[0].body["components"][0]["components"][0]["custom_id"],
            "/approve 1 discord:8"
        );
        assert_eq!(posts[0].body["components"][0]["components"][0]["style"], 1);
        assert_eq!(posts[0].body["allowed_mentions"]["parse"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn a_429_is_an_outbox_retry_and_a_403_a_failure() {
    bounded(async {
        let (r, out) = outbound().await;
        r.inject(
            "POST /channels/{}/messages",
            429,
            json!({"message":"You are being rate limited.","retry_after":0.5,"global":false}),
        );
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Retry { .. }
        ));
        r.inject(
            "POST /channels/{}/messages",
            403,
            json!({"message":"Missing Access","code":50001}),
        );
        assert!(matches!(
            out.send(&fitted(Some("600000000000000001"), "hi")).await,
            Delivery::Failed { .. }
        ));
        r.inject(
            "POST /channels/{}/messages",
            502,
            json!({"message":"Bad Gateway","code":0}),
        );
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
        r.inject(
            "POST /channels/{}/messages/{}/threads",
            400,
            json!({"message":"A thread has already been created for this message","code":160004}),
        );
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
            last.body["message_reference"]["message_id"],
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
        r.inject(
            "PUT /guilds/{}/members/{}/roles/{}",
            500,
            json!({"message":"oops","code":0}),
        );
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
            .find(|c| c.path.ends_with("/messages"))
            .unwrap();
        assert!(post.body["content"]
            .as_str()
            .unwrap()
            .contains("<@&710000000000000001>"));
    })
    .await;
}

// ---------------------------------------------------------------- interactions

async fn interact(delay: Duration) -> (Arc<fake::Fake>, Interact, Arc<Sink>) {
    let (r, cfg) = fake::start().await;
    let http = Arc::new(api::http(&cfg).unwrap());
    let sink = Arc::new(Sink::new().replying(&["first", "second"]).slow(delay));
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
            calls[0].path,
            "/interactions/400000000000000001/itoken-400000000000000001/callback"
        );
        assert_eq!(calls[0].body["type"], 4);
        assert_eq!(calls[0].body["data"]["content"], "first");
        assert_eq!(calls[0].body["data"]["flags"], 64);
        assert_eq!(
            calls[1].path,
            "/webhooks/900000000000000001/itoken-400000000000000001"
        );
        assert_eq!(calls[1].body["content"], "second");
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
        assert_eq!(r.calls()[0].body["type"], 5);
        run.await.unwrap();
        let calls = r.calls();
        assert_eq!(
            (calls[1].method.as_str(), calls[1].path.as_str()),
            (
                "PATCH",
                "/webhooks/900000000000000001/itoken-400000000000000001/messages/@original"
            )
        );
        assert_eq!(calls[1].body["content"], "first");
        assert_eq!(calls[2].body["content"], "second");
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
        assert_eq!(calls[0].body["type"], 6, "a deferred update for a press");
        assert!(
            calls[1].path.starts_with("/webhooks/"),
            "replies as follow-ups"
        );
    })
    .await;
}
