//! The Slack Web API client and the outbound lane against a fake Slack on 127.0.0.1
//! (docs/platforms/slack.md §5, §8.2).
#![cfg(feature = "slack")]

use crate::config::slack::{FakeSlack, LIMIT};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::timeout;
use yunqi_adapters::slack::{ApiError, SlackApi, SlackConfig, SlackOutbound};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Button, ButtonStyle, Recipient};
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::{Platform, UserRef};

fn config(fake: &FakeSlack) -> SlackConfig {
    SlackConfig {
        bot_token: Some("xoxb-test".into()),
        app_token: Some("xapp-test".into()),
        api_base: fake.base.clone(),
        ..SlackConfig::default()
    }
}

fn api(fake: &FakeSlack) -> Arc<SlackApi> {
    Arc::new(
        SlackApi::new(&config(fake))
            .unwrap()
            .with_channel_gap(Duration::ZERO),
    )
}

fn fitted(conversation: Option<&str>, buttons: Vec<Button>) -> Fitted {
    Fitted {
        to: Recipient {
            user: UserRef::new(Platform::Slack, "U0001"),
            conversation: conversation.map(Into::into),
        },
        text: "新报名 New registration <alice>".into(),
        buttons,
        attachment: None,
        thread: None,
        invite: None,
    }
}

#[tokio::test]
async fn a_channel_message_is_posted_with_blocks_the_bot_token_and_its_thread() {
    timeout(LIMIT, async {
        let (fake, _) = FakeSlack::start().await;
        let out = SlackOutbound::new(api(&fake));
        let mut f = fitted(
            Some("C0001"),
            vec![Button {
                label: "批准".into(),
                command: "/approve 1 alice".into(),
                style: ButtonStyle::Primary,
            }],
        );
        f.thread = Some("1700000000.000100".into());
        assert_eq!(
            out.deliver(&f).await,
            Delivery::Sent {
                message_id: Some("1700000001.000200".into())
            }
        );
        let call = &fake.calls("chat.postMessage")[0];
        assert_eq!(call.auth.as_deref(), Some("Bearer xoxb-test"));
        assert!(call
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("application/json"));
        let body = call.json();
        assert_eq!(body["channel"], "C0001");
        assert_eq!(body["text"], "新报名 New registration &lt;alice&gt;");
        assert_eq!(body["thread_ts"], "1700000000.000100");
        assert_eq!(body["blocks"][0]["type"], "section");
        assert_eq!(
            body["blocks"][1]["elements"][0]["value"],
            "/approve 1 alice"
        );
        assert_eq!(body["blocks"][1]["elements"][0]["style"], "primary");
        assert_eq!(out.platform(), Platform::Slack);
        assert!(out.capabilities().buttons);
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_direct_message_opens_the_dm_once_and_posts_there() {
    timeout(LIMIT, async {
        let (fake, _) = FakeSlack::start().await;
        let out = SlackOutbound::new(api(&fake));
        for _ in 0..2 {
            assert!(matches!(
                out.deliver(&fitted(None, vec![])).await,
                Delivery::Sent { .. }
            ));
        }
        let opens = fake.calls("conversations.open");
        assert_eq!(opens.len(), 1, "the DM channel is cached");
        assert_eq!(opens[0].json(), json!({"users": "U0001"}));
        let posts = fake.calls("chat.postMessage");
        assert!(posts.iter().all(|p| p.json()["channel"] == "DU0001"));
        assert!(
            posts.iter().all(|p| p.json().get("blocks").is_none()),
            "no buttons, no blocks"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn http_429_with_retry_after_is_a_retry_after_that_delay() {
    timeout(LIMIT, async {
        let (fake, _) = FakeSlack::start().await;
        fake.script(
            "chat.postMessage",
            429,
            Some(1),
            r#"{"ok":false,"error":"ratelimited"}"#,
        );
        let out = SlackOutbound::new(api(&fake));
        let d = out.deliver(&fitted(Some("C0001"), vec![])).await;
        assert_eq!(
            d,
            Delivery::Retry {
                after: Some(Duration::from_secs(1)),
                error: "ratelimited".into(),
                scope: yunqi_bot::ports::RetryScope::Platform
            }
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn ok_false_errors_are_retried_when_transient_and_failed_when_permanent() {
    timeout(LIMIT, async {
        let (fake, _) = FakeSlack::start().await;
        let out = SlackOutbound::new(api(&fake));
        let table = [
            (200, r#"{"ok":false,"error":"not_in_channel"}"#, false),
            (200, r#"{"ok":false,"error":"channel_not_found"}"#, false),
            (200, r#"{"ok":false,"error":"invalid_auth"}"#, false),
            (200, r#"{"ok":false,"error":"ratelimited"}"#, true),
            (200, r#"{"ok":false,"error":"internal_error"}"#, true),
            (503, "down for maintenance", true),
            (200, "<html>proxy error</html>", true),
        ];
        for (status, body, transient) in table {
            fake.script("chat.postMessage", status, None, body);
            match out.deliver(&fitted(Some("C0001"), vec![])).await {
                Delivery::Retry { .. } => assert!(transient, "{body}"),
                Delivery::Failed { error } => {
                    assert!(!transient, "{body}");
                    assert!(body.contains(&error), "{error}");
                }
                d => panic!("{body}: {d:?}"),
            }
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_unreachable_slack_is_a_retry() {
    timeout(LIMIT, async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/api", listener.local_addr().unwrap());
        drop(listener);
        let cfg = SlackConfig {
            bot_token: Some("xoxb-test".into()),
            api_base: base,
            ..SlackConfig::default()
        };
        let out = SlackOutbound::new(Arc::new(SlackApi::new(&cfg).unwrap()));
        assert!(matches!(
            out.deliver(&fitted(Some("C0001"), vec![])).await,
            Delivery::Retry { after: None, .. }
        ));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn views_open_update_ephemeral_invite_and_auth_test_speak_the_wire_format() {
    timeout(LIMIT, async {
        let (fake, _) = FakeSlack::start().await;
        let api = api(&fake);
        let view = json!({"type": "modal", "callback_id": "register:1"});
        api.views_open("1111.2222.abcdef", &view).await.unwrap();
        assert_eq!(
            fake.calls("views.open")[0].json(),
            json!({"trigger_id": "1111.2222.abcdef", "view": view})
        );
        fake.script(
            "views.open",
            200,
            None,
            r#"{"ok":false,"error":"expired_trigger_id"}"#,
        );
        assert_eq!(
            api.views_open("x", &view).await,
            Err(ApiError::Permanent("expired_trigger_id".into()))
        );

        let f = fitted(Some("C0001"), vec![]);
        let mut m = yunqi_adapters::slack::render::Message::fitted(&f);
        m.channel = Some("C0001");
        m.ts = Some("1700000001.000200");
        api.update(&m).await.unwrap();
        assert_eq!(
            fake.calls("chat.update")[0].json()["ts"],
            "1700000001.000200"
        );
        m.ts = None;
        m.user = Some("U0001");
        assert_eq!(api.post_ephemeral(&m).await.unwrap(), "1700000002.000300");
        assert_eq!(fake.calls("chat.postEphemeral")[0].json()["user"], "U0001");

        api.invite("C0001", &["U0001", "U0002"]).await.unwrap();
        assert_eq!(
            fake.calls("conversations.invite")[0].json(),
            json!({"channel": "C0001", "users": "U0001,U0002"})
        );
        fake.script(
            "conversations.invite",
            200,
            None,
            r#"{"ok":false,"error":"already_in_channel"}"#,
        );
        api.invite("C0001", &["U0001"]).await.unwrap();

        let me = api.auth_test().await.unwrap();
        assert_eq!(
            (me.user_id.as_deref(), me.bot_id.as_deref()),
            (Some("UBOT"), Some("BBOT"))
        );
    })
    .await
    .unwrap();
}
