//! Slack slash commands and interactivity over HTTP: inline answers, the registration
//! modal, late answers through the response_url, button presses.
#![cfg(feature = "slack")]

use crate::config::slack::LIMIT;
use crate::slack_http as http;
use axum::http::StatusCode;
use http::{fresh, harness, send, signed};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use testkit::{text_of, Sink};
use tokio::time::timeout;
use yunqi_adapters::slack::vectors;
use yunqi_adapters::slack::webhook::{COMMANDS_PATH, EVENTS_PATH, INTERACTIVE_PATH};
use yunqi_bot::EventKind;

#[tokio::test]
async fn a_slash_command_is_answered_inline_and_ephemerally_in_the_response() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let (status, body) = send(&h.app, signed(COMMANDS_PATH, &vectors::SLASH_COMMAND)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"response_type": "ephemeral", "text": "echo: /register alice@example.com dev"})
        );
        let seen = h.core.events();
        assert!(seen[0].reply_inline);
        assert_eq!(seen[0].conversation.as_deref(), Some("C0001"));
        let app_command =
            "command=%2Fyunqi&text=salons&user_id=U0001&channel_id=D0001&trigger_id=&response_url=";
        let (_, body) = send(&h.app, fresh(COMMANDS_PATH, app_command)).await;
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["text"],
            "echo: /salons"
        );
        assert_eq!(
            h.core.events()[1].conversation,
            None,
            "a DM is no shared conversation"
        );
        assert_eq!(
            send(&h.app, fresh(COMMANDS_PATH, "ssl_check=1&token=x")).await,
            (StatusCode::OK, String::new())
        );
        assert_eq!(h.core.events().len(), 2);
    })
    .await
    .unwrap();
}

fn command_form(text: &str, response_url: &str) -> String {
    serde_urlencoded::to_string([
        ("command", "/yunqi"),
        ("text", text),
        ("user_id", "U0001"),
        ("channel_id", "C0001"),
        ("trigger_id", "1111.2222.abcdef"),
        ("response_url", response_url),
    ])
    .unwrap()
}

#[tokio::test]
async fn register_without_fields_opens_the_modal_and_falls_back_to_the_core_when_it_cannot() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        assert_eq!(
            send(
                &h.app,
                fresh(COMMANDS_PATH, &command_form("register 3", ""))
            )
            .await,
            (StatusCode::OK, String::new())
        );
        let open = h.fake.calls("views.open")[0].json();
        assert_eq!(open["trigger_id"], "1111.2222.abcdef");
        assert_eq!(open["view"]["callback_id"], "register:3");
        assert!(h.core.events().is_empty());
        h.fake.script(
            "views.open",
            200,
            None,
            r#"{"ok":false,"error":"expired_trigger_id"}"#,
        );
        // A second command: its own request (identical bytes would be a replay).
        let again = format!("{}&team_id=T0001", command_form("register 3", ""));
        let (_, body) = send(&h.app, fresh(COMMANDS_PATH, &again)).await;
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["text"],
            "echo: /register 3"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_slow_core_gets_an_ack_now_and_the_reply_goes_to_the_response_url() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(
            Sink::new().echoing().slow(Duration::from_millis(600)),
        ))
        .await;
        let url = format!("{}/respond/1", h.fake.origin);
        let started = std::time::Instant::now();
        assert_eq!(
            send(&h.app, fresh(COMMANDS_PATH, &command_form("salons", &url))).await,
            (StatusCode::OK, String::new())
        );
        assert!(
            started.elapsed() < Duration::from_millis(550),
            "acked before the core finished"
        );
        let posted = h.fake.wait_calls("respond/1", 1).await;
        assert_eq!(
            posted[0].json(),
            json!({"response_type": "ephemeral", "text": "echo: /salons"})
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_button_press_reaches_the_core_as_its_command() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        assert_eq!(
            send(&h.app, signed(INTERACTIVE_PATH, &vectors::BLOCK_ACTIONS)).await,
            (StatusCode::OK, String::new())
        );
        let seen = h.core.events();
        assert_eq!(seen[0].kind, EventKind::Button("reg-42".into()));
        assert_eq!(seen[0].conversation.as_deref(), Some("C0001"));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_button_press_updates_the_pressed_message_with_the_answer() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        assert_eq!(
            send(&h.app, signed(INTERACTIVE_PATH, &vectors::BLOCK_ACTIONS)).await,
            (StatusCode::OK, String::new())
        );
        let update = h.fake.wait_calls("chat.update", 1).await[0].json();
        assert_eq!(update["channel"], "C0001");
        assert_eq!(update["ts"], "1700000010.000100");
        let blocks = update["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["block_id"], "summary", "the original text stays");
        assert_eq!(blocks[1]["elements"][0]["text"], "<@U0001> · Approve");
        assert_eq!(blocks[2]["text"]["text"], "echo: reg-42");
        assert_eq!(blocks.len(), 3, "both buttons were about reg-42: none left");
        assert_eq!(
            update["text"],
            "New registration from alice\nApprove\necho: reg-42"
        );
        assert!(h.fake.calls("chat.postMessage").is_empty());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn an_ephemeral_message_is_replaced_through_the_response_url_and_a_failed_update_becomes_a_message(
) {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let url = format!("{}/respond/7", h.fake.origin);
        let payload = json!({"type": "block_actions", "user": {"id": "U1"}, "response_url": url,
            "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": true},
            "actions": [{"type": "button", "action_id": "b0", "value": "/confirm 2", "text": {"type": "plain_text", "text": "Confirm"}}]});
        let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
        assert_eq!(send(&h.app, fresh(INTERACTIVE_PATH, &form)).await.0, StatusCode::OK);
        let replaced = h.fake.wait_calls("respond/7", 1).await[0].json();
        assert_eq!(replaced["replace_original"], true);
        assert!(replaced["text"].as_str().unwrap().ends_with("echo: /confirm 2"));

        h.fake.script("chat.update", 200, None, r#"{"ok":false,"error":"message_not_found"}"#);
        let payload = json!({"type": "block_actions", "user": {"id": "U1"},
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "D1"},
            "actions": [{"type": "button", "action_id": "b0", "value": "/confirm 3"}]});
        let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
        assert_eq!(send(&h.app, fresh(INTERACTIVE_PATH, &form)).await.0, StatusCode::OK);
        let posted = h.fake.wait_calls("chat.postMessage", 1).await[0].json();
        assert_eq!(posted["text"], "echo: /confirm 3");
        assert_eq!(posted["channel"], "DU1", "to the presser's DM");
    })
    .await
    .unwrap();
}

fn submission(callback: &str, name: &str, phone: &str) -> String {
    let values = json!({
        "name": {"name_input": {"type": "plain_text_input", "value": name}},
        "phone": {"phone_input": {"type": "plain_text_input", "value": phone}},
        "position": {"position_input": {"type": "plain_text_input", "value": "后端"}},
        "years": {"years_input": {"type": "plain_text_input", "value": "5 years"}},
    });
    let payload = json!({"type": "view_submission", "user": {"id": "U0001"}, "view": {"id": "V1", "callback_id": callback, "state": {"values": values}}});
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

#[tokio::test]
async fn a_modal_submission_is_validated_then_submitted_as_the_inline_register_command() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let (status, body) = send(
            &h.app,
            fresh(INTERACTIVE_PATH, &submission("register:3", "", "123")),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let errors: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(errors["response_action"], "errors");
        assert_eq!(errors["errors"].as_object().unwrap().len(), 2);
        assert!(h.core.events().is_empty(), "an invalid form has no effect");

        assert_eq!(
            send(
                &h.app,
                fresh(
                    INTERACTIVE_PATH,
                    &submission("register:3", "李雷", "13800000000")
                )
            )
            .await,
            (StatusCode::OK, String::new())
        );
        let seen = h.core.events();
        assert_eq!(
            text_of(&seen[0]),
            r#"/register 3 name="李雷" phone="13800000000" position="后端" years="5""#
        );
        assert_eq!(seen[0].conversation, None, "the answer comes by DM");

        assert_eq!(
            send(&h.app, signed(INTERACTIVE_PATH, &vectors::VIEW_SUBMISSION)).await,
            (StatusCode::OK, String::new())
        );
        assert_eq!(
            h.core.events().len(),
            1,
            "another app's modal is closed and ignored"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_failing_core_makes_slack_retry_an_event_but_answers_a_command_politely() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing().failing())).await;
        assert_eq!(
            send(&h.app, signed(EVENTS_PATH, &vectors::CHANNEL_MESSAGE))
                .await
                .0,
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let (status, body) = send(&h.app, signed(COMMANDS_PATH, &vectors::SLASH_COMMAND)).await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["response_type"], "ephemeral");
        assert!(!v["text"].as_str().unwrap().is_empty());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_replayed_signed_command_or_button_press_has_no_second_effect() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let (status, _) = send(&h.app, signed(COMMANDS_PATH, &vectors::SLASH_COMMAND)).await;
        assert_eq!(status, StatusCode::OK);
        // The same bytes again, still inside the 5-minute window: acknowledged, not handled.
        assert_eq!(
            send(&h.app, signed(COMMANDS_PATH, &vectors::SLASH_COMMAND)).await,
            (StatusCode::OK, String::new())
        );
        send(&h.app, signed(INTERACTIVE_PATH, &vectors::BLOCK_ACTIONS)).await;
        assert_eq!(
            send(&h.app, signed(INTERACTIVE_PATH, &vectors::BLOCK_ACTIONS)).await,
            (StatusCode::OK, String::new())
        );
        assert_eq!(h.core.events().len(), 2, "one event per distinct request");
    })
    .await
    .unwrap();
}
