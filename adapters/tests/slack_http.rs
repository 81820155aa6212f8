//! Shared by the Slack webhook tests: the routes over a fake core and
//! a fake Slack, an injected clock, and requests signed as Slack signs them.
#![cfg(feature = "slack")]
#![allow(dead_code)]

use crate::config::slack::FakeSlack;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::Duration;
use testkit::Sink;
use tower::ServiceExt;
use yunqi_adapters::slack::signature::Verifier;
use yunqi_adapters::slack::vectors::{self, Signed};
use yunqi_adapters::slack::webhook::EVENTS_PATH;
use yunqi_adapters::slack::{routes, SlackApi, SlackConfig, SlackState};
use yunqi_bot::ports::ManualClock;

pub const NOW: i64 = 1_700_000_010;

pub struct Harness {
    pub app: Router,
    pub core: Arc<Sink>,
    pub clock: Arc<ManualClock>,
    pub fake: FakeSlack,
}

pub async fn harness(core: Arc<Sink>) -> Harness {
    let (fake, _) = FakeSlack::start().await;
    let cfg = SlackConfig {
        bot_token: Some("xoxb-test".into()),
        signing_secret: Some(vectors::SECRET.into()),
        api_base: fake.base.clone(),
        ..SlackConfig::default()
    };
    let clock = Arc::new(ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap()));
    let api = Arc::new(SlackApi::new(&cfg).unwrap());
    let state = SlackState::new(&cfg, core.clone(), api, clock.clone())
        .with_ack_wait(Duration::from_millis(300));
    state.identify().await.unwrap();
    Harness {
        app: routes(state),
        core,
        clock,
        fake,
    }
}

fn content_type(path: &str) -> &'static str {
    if path == EVENTS_PATH {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    }
}

pub fn request(path: &str, body: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut r = Request::post(path).header("content-type", content_type(path));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

pub fn signed(path: &str, v: &Signed) -> Request<Body> {
    request(
        path,
        v.body,
        &[
            ("X-Slack-Request-Timestamp", v.timestamp),
            ("X-Slack-Signature", v.signature),
        ],
    )
}

/// Signs any body at the harness clock's time.
pub fn fresh(path: &str, body: &str) -> Request<Body> {
    let ts = NOW.to_string();
    let sig = Verifier::new(vectors::SECRET).sign(&ts, body.as_bytes());
    request(
        path,
        body,
        &[
            ("x-slack-request-timestamp", &ts),
            ("x-slack-signature", &sig),
        ],
    )
}

pub async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}
