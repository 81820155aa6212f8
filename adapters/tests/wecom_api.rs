//! The WeCom API client and outbounds against a fake WeCom on 127.0.0.1.
#![cfg(feature = "wecom")]

use crate::config::wecom as fake;
use fake::Inject;
use serde_json::json;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use yunqi_adapters::wecom::{AppOutbound, WecomApi, ROBOT_CONVERSATION};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Button, ButtonStyle, Recipient};
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::{Platform, UserRef};

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("test took too long")
}

fn fitted(platform: Platform, user: &str, text: &str, buttons: Vec<Button>) -> Fitted {
    Fitted {
        to: Recipient::direct(UserRef::new(platform, user)),
        text: text.into(),
        buttons,
        attachment: None,
        thread: None,
        invite: None,
    }
}

fn button(label: &str, command: &str) -> Button {
    Button {
        label: label.into(),
        command: command.into(),
        style: ButtonStyle::Default,
    }
}

fn users(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

#[tokio::test]
async fn concurrent_sends_fetch_the_token_once() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let msg = json!({"msgtype": "text", "text": {"content": "hi"}});
        let tasks: Vec<_> = (0..12)
            .map(|i| {
                let (api, msg) = (api.clone(), msg.clone());
                tokio::spawn(async move { api.send_app(&[format!("u{i}")], &msg).await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().is_ok());
        }
        assert_eq!(fake.gettokens(), 1);
        assert_eq!(fake.calls("message/send").len(), 12);
    })
    .await
}

#[tokio::test]
async fn an_expired_token_triggers_one_refresh_and_the_request_is_retried() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = WecomApi::new(&cfg).unwrap();
        let msg = json!({"msgtype": "text", "text": {"content": "hi"}});
        api.send_app(&users(1), &msg).await.unwrap();
        fake.inject("message/send", Inject::ExpireToken);
        let r = api.send_app(&users(1), &msg).await;
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(fake.gettokens(), 2);
        let tokens: Vec<_> = fake
            .calls("message/send")
            .into_iter()
            .map(|c| c.token.unwrap_or_default())
            .collect();
        assert_eq!(tokens, vec!["tok1", "tok1", "tok2"]);
    })
    .await
}

#[tokio::test]
async fn a_wrong_secret_fails_for_good_without_looping() {
    bounded(async {
        let (fake, mut cfg) = fake::start().await;
        cfg.secret = Some("wrong".into());
        let app = AppOutbound::new(Arc::new(WecomApi::new(&cfg).unwrap()));
        let d = app
            .deliver(&fitted(Platform::Wecom, "zhangsan", "hi", vec![]))
            .await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("40001")),
            "{d:?}"
        );
        assert_eq!(fake.gettokens(), 1);
    })
    .await
}

#[tokio::test]
async fn an_app_message_with_buttons_is_sent_as_a_template_card() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let app = AppOutbound::new(Arc::new(WecomApi::new(&cfg).unwrap()));
        let f = fitted(
            Platform::Wecom,
            "admin1",
            "新报名 alice",
            vec![
                button("批准", "/approve 1 alice"),
                button("拒绝", "/reject 1 alice"),
            ],
        );
        assert!(matches!(
            app.deliver(&f).await,
            Delivery::Sent {
                message_id: Some(_)
            }
        ));
        let body = &fake.calls("message/send")[0].body;
        assert_eq!(body["touser"], "admin1");
        assert_eq!(body["agentid"], 1000002);
        assert_eq!(body["msgtype"], "template_card");
        assert_eq!(
            body["template_card"]["button_list"][1]["key"],
            "/reject 1 alice"
        );
        assert!(
            app.deliver(&fitted(Platform::Wecom, "admin1", "纯文本", vec![]))
                .await
                == Delivery::Sent {
                    message_id: Some("m2".into())
                }
        );
        assert_eq!(
            fake.calls("message/send")[1].body["text"]["content"],
            "纯文本"
        );
    })
    .await
}

#[tokio::test]
async fn errcodes_become_retry_or_failure_and_an_invalid_user_is_surfaced() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let app = AppOutbound::new(Arc::new(WecomApi::new(&cfg).unwrap()));
        let hi = |u: &str| fitted(Platform::Wecom, u, "hi", vec![]);
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": 45009, "errmsg": "api freq out of limit"})),
        );
        assert_eq!(
            app.deliver(&hi("a")).await,
            Delivery::Retry {
                after: Some(Duration::from_secs(60)),
                error: "wecom errcode 45009: api freq out of limit".into(),
                scope: yunqi_bot::ports::RetryScope::Platform
            }
        );
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": -1, "errmsg": "system busy"})),
        );
        assert!(matches!(
            app.deliver(&hi("a")).await,
            Delivery::Retry { .. }
        ));
        let d = app.deliver(&hi("Ghost1")).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("81013")),
            "{d:?}"
        );
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": 0, "errmsg": "ok", "invaliduser": "ghost2"})),
        );
        let d = app.deliver(&hi("Ghost2")).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("invalid user")),
            "{d:?}"
        );
        let d = app
            .deliver(&fitted(Platform::Slack, "U1", "hi", vec![]))
            .await;
        assert!(
            matches!(d, Delivery::Failed { .. }),
            "a foreign platform's recipient is refused"
        );
    })
    .await
}

#[tokio::test]
async fn a_timeout_is_a_retry() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = WecomApi::with_timeout(&cfg, Duration::from_millis(300)).unwrap();
        let app = AppOutbound::new(Arc::new(api));
        fake.inject("message/send", Inject::Sleep(Duration::from_secs(2)));
        let d = app
            .deliver(&fitted(Platform::Wecom, "a", "hi", vec![]))
            .await;
        assert_eq!(
            d,
            Delivery::Retry {
                after: None,
                error: "request timed out".into(),
                scope: yunqi_bot::ports::RetryScope::Platform
            }
        );
    })
    .await
}

#[tokio::test]
async fn a_batch_goes_out_in_chunks_of_1000_and_reports_invalid_users() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = WecomApi::new(&cfg).unwrap();
        let mut to = users(2499);
        to.push("Ghost9".into());
        let out = api
            .send_app_batch(
                &to,
                &json!({"msgtype": "text", "text": {"content": "新工作 New job"}}),
            )
            .await;
        assert_eq!(out.error, None);
        let sizes: Vec<usize> = fake
            .calls("message/send")
            .iter()
            .map(|c| c.body["touser"].as_str().unwrap().split('|').count())
            .collect();
        assert_eq!(sizes, vec![1000, 1000, 500]);
        assert_eq!(out.invalid_users, vec!["ghost9"]);
        assert_eq!(out.msgids.len(), 3);
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": 0, "errmsg": "ok"})),
        );
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": 45009, "errmsg": "freq"})),
        );
        let out = api
            .send_app_batch(
                &users(1500),
                &json!({"msgtype": "text", "text": {"content": "x"}}),
            )
            .await;
        assert_eq!(out.error.and_then(|e| e.errcode()), Some(45009));
        assert_eq!(
            out.unsent.len(),
            500,
            "the recipients of the failed chunk can be queued again"
        );
    })
    .await
}

#[tokio::test]
async fn a_clicked_card_is_updated_with_its_response_code() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = WecomApi::new(&cfg).unwrap();
        api.update_card_button(
            &["admin1".into(), "admin2".into()],
            "rc-1",
            "已同意 Approved",
        )
        .await
        .unwrap();
        let body = &fake.calls("message/update_template_card")[0].body;
        assert_eq!(body["response_code"], "rc-1");
        assert_eq!(body["userids"], json!(["admin1", "admin2"]));
        assert_eq!(body["button"]["replace_name"], "已同意 Approved");
        assert_eq!(body["agentid"], 1000002);
    })
    .await
}

#[tokio::test]
async fn the_robot_conversation_posts_to_the_webhook_without_a_token() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let app = AppOutbound::new(Arc::new(WecomApi::new(&cfg).unwrap()));
        let mut f = fitted(
            Platform::Wecom,
            "zhangsan",
            "新沙龙开放报名",
            vec![button("报名", "/register 1")],
        );
        f.to.conversation = Some(ROBOT_CONVERSATION.into());
        assert_eq!(app.deliver(&f).await, Delivery::Sent { message_id: None });
        let calls = fake.calls("webhook/send");
        assert_eq!(
            calls[0].body["text"]["content"],
            "新沙龙开放报名\n[报名] /register 1"
        );
        assert_eq!(fake.gettokens(), 0);
        for _ in 0..19 {
            assert_eq!(app.deliver(&f).await, Delivery::Sent { message_id: None });
        }
        assert!(
            matches!(
                app.deliver(&f).await,
                Delivery::Retry { after: Some(_), .. }
            ),
            "the 21st in a minute waits"
        );
        assert_eq!(fake.calls("webhook/send").len(), 20);
    })
    .await
}

#[tokio::test]
async fn a_batch_of_one_message_to_many_members_is_one_call_and_an_invalid_member_fails_alone() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let out = AppOutbound::new(Arc::new(WecomApi::new(&cfg).unwrap()));
        assert_eq!(out.max_batch(), 1000);
        let msgs: Vec<Fitted> = ["alice", "GhostBob", "carol"]
            .iter()
            .map(|u| fitted(Platform::Wecom, u, "📢 新需求 #1", vec![]))
            .collect();
        let outcomes = out.deliver_batch(&msgs).await;
        let sends = fake.calls("message/send");
        assert_eq!(sends.len(), 1, "one call for all three");
        assert_eq!(sends[0].body["touser"], "alice|GhostBob|carol");
        assert!(matches!(outcomes[0], Delivery::Sent { .. }));
        assert!(matches!(&outcomes[1], Delivery::Failed { error } if error.contains("GhostBob")));
        assert!(matches!(outcomes[2], Delivery::Sent { .. }));
    })
    .await;
}

#[tokio::test]
async fn the_fake_refuses_api_calls_without_a_valid_token() {
    let (_fake, cfg) = fake::start().await;
    let url = format!("{}/cgi-bin/message/send?access_token=nope", cfg.api_base);
    let v: serde_json::Value = tokio::time::timeout(Duration::from_secs(10), async {
        reqwest::Client::new()
            .post(url)
            .json(&json!({}))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
    })
    .await
    .expect("in time");
    assert_eq!(v["errcode"], 40014);
}
