//! The Slack Events API route, driven with the spec's replayable signed requests (§8) and
//! an injected clock: what reaches the core, what is refused and what is answered.
#![cfg(feature = "slack")]

use crate::config::slack::LIMIT;
use crate::slack_http as http;
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use http::{fresh, harness, request, send, signed, NOW};
use serde_json::{json, Value};
use std::sync::Arc;
use testkit::{text_of, Sink};
use tokio::time::timeout;
use yunqi_adapters::slack::signature::Verifier;
use yunqi_adapters::slack::vectors;
use yunqi_adapters::slack::webhook::{COMMANDS_PATH, EVENTS_PATH, INTERACTIVE_PATH};

#[tokio::test]
async fn url_verification_is_answered_with_its_challenge_and_nothing_reaches_the_core() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let (status, body) = send(&h.app, signed(EVENTS_PATH, &vectors::URL_VERIFICATION)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})
        );
        assert!(h.core.events().is_empty());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn the_spec_events_reach_the_core_and_the_bots_own_post_and_an_edit_do_not() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        for v in [
            vectors::CHANNEL_MESSAGE,
            vectors::DM_MESSAGE,
            vectors::THREAD_REPLY,
            vectors::APP_MENTION,
            vectors::OWN_BOT_MESSAGE,
            vectors::MESSAGE_CHANGED,
        ] {
            assert_eq!(
                send(&h.app, signed(EVENTS_PATH, &v)).await,
                (StatusCode::OK, String::new()),
                "{}",
                v.name
            );
        }
        let seen = h.core.events();
        let got: Vec<(&str, Option<&str>, &str)> = seen
            .iter()
            .map(|e| {
                (
                    e.event_id.as_deref().unwrap(),
                    e.conversation.as_deref(),
                    text_of(e),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Ev0001", Some("C0001"), "hello bot"),
                ("Ev0002", None, "register me"),
                ("Ev0003", Some("C0001"), "me too"),
                ("Ev0004", Some("C0001"), "status please"),
            ]
        );
        assert_eq!(
            seen[2].message_id.as_deref(),
            Some("1700000000.000100"),
            "a thread reply answers in its thread"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_retried_event_carries_the_same_event_id_for_the_core_to_dedupe() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        send(&h.app, signed(EVENTS_PATH, &vectors::CHANNEL_MESSAGE)).await;
        let v = vectors::CHANNEL_MESSAGE;
        let retry = request(
            EVENTS_PATH,
            v.body,
            &[
                ("X-Slack-Request-Timestamp", v.timestamp),
                ("X-Slack-Signature", v.signature),
                ("X-Slack-Retry-Num", "1"),
                ("X-Slack-Retry-Reason", "http_timeout"),
            ],
        );
        assert_eq!(send(&h.app, retry).await.0, StatusCode::OK);
        let ids: Vec<_> = h.core.events().iter().map(|e| e.event_id.clone()).collect();
        assert_eq!(
            ids,
            [Some("Ev0001".to_string()), Some("Ev0001".to_string())]
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn forged_stale_and_unsigned_requests_get_401_and_have_no_effect() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let cases = [
            (EVENTS_PATH, vectors::CHANNEL_MESSAGE),
            (COMMANDS_PATH, vectors::SLASH_COMMAND),
            (INTERACTIVE_PATH, vectors::BLOCK_ACTIONS),
        ];
        for (path, v) in cases {
            let tampered = v.body.replacen("U0001", "U0666", 1);
            let upper = v.signature.to_uppercase().replacen("V0=", "v0=", 1);
            let other = Verifier::new("forger").sign(v.timestamp, v.body.as_bytes());
            let requests = [
                (
                    "tampered body",
                    request(
                        path,
                        &tampered,
                        &[
                            ("X-Slack-Request-Timestamp", v.timestamp),
                            ("X-Slack-Signature", v.signature),
                        ],
                    ),
                ),
                (
                    "wrong secret",
                    request(
                        path,
                        v.body,
                        &[
                            ("X-Slack-Request-Timestamp", v.timestamp),
                            ("X-Slack-Signature", &other),
                        ],
                    ),
                ),
                (
                    "upper-case hex",
                    request(
                        path,
                        v.body,
                        &[
                            ("X-Slack-Request-Timestamp", v.timestamp),
                            ("X-Slack-Signature", &upper),
                        ],
                    ),
                ),
                ("unsigned", request(path, v.body, &[])),
                (
                    "no timestamp",
                    request(path, v.body, &[("X-Slack-Signature", v.signature)]),
                ),
            ];
            for (case, req) in requests {
                let (status, body) = send(&h.app, req).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} {case}");
                assert_eq!(body, r#"{"error":"invalid request"}"#, "a generic body");
            }
            h.clock.set(Utc.timestamp_opt(1_700_000_301, 0).unwrap());
            assert_eq!(
                send(&h.app, signed(path, &v)).await.0,
                StatusCode::UNAUTHORIZED,
                "{path} stale"
            );
            h.clock.set(Utc.timestamp_opt(1_700_000_300, 0).unwrap());
            assert_eq!(
                send(&h.app, signed(path, &v)).await.0,
                StatusCode::OK,
                "{path} at the window's edge"
            );
            h.clock.set(Utc.timestamp_opt(NOW, 0).unwrap());
        }
        assert_eq!(
            h.core.events().len(),
            3,
            "only the three valid requests at the window's edge"
        );
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn malformed_signed_payloads_get_400_and_have_no_effect() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let cases = [
            (EVENTS_PATH, "{not json"),
            (EVENTS_PATH, r#"{"type":"event_callback"}"#),
            (COMMANDS_PATH, "text=hello"),
            (INTERACTIVE_PATH, "payload=%7Bnot+json"),
            (INTERACTIVE_PATH, "nothing=here"),
        ];
        for (path, body) in cases {
            assert_eq!(
                send(&h.app, fresh(path, body)).await.0,
                StatusCode::BAD_REQUEST,
                "{path} {body}"
            );
        }
        assert!(h.core.events().is_empty());
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn signed_forms_with_invalid_utf8_get_400_and_have_no_effect() {
    timeout(LIMIT, async {
        let h = harness(Arc::new(Sink::new().echoing())).await;
        let command = vectors::SLASH_COMMAND
            .body
            .replace("text=alice%40example.com+dev", "text=%FF%FEdev");
        assert_ne!(command, vectors::SLASH_COMMAND.body);
        let payload = r#"payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U%FF%22%7D%7D"#;
        for (path, body) in [(COMMANDS_PATH, command.as_str()), (INTERACTIVE_PATH, payload)] {
            let (status, answer) = send(&h.app, fresh(path, body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
            // The signature is still checked first: a forged one is 401, not 400.
            let forged = request(
                path,
                body,
                &[
                    ("X-Slack-Request-Timestamp", "1700000000"),
                    ("X-Slack-Signature", "v0=00"),
                ],
            );
            assert_eq!(send(&h.app, forged).await.0, StatusCode::UNAUTHORIZED);
        }
        let texts: Vec<String> = h.core.events().iter().map(|e| text_of(e).to_string()).collect();
        assert!(texts.is_empty(), "nothing reaches the core: {texts:?}");
    })
    .await
    .unwrap();
}
