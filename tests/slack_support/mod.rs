//! Shared by the Slack end-to-end tests: a fake Slack (Web API + Socket Mode) on 127.0.0.1
//! that records every call with the status it answered, config for the real app pointing at
//! it, and requests signed the way Slack signs them (specs/slack.md §1, §6.5, §8.2).

#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use yunqi_adapters::slack::signature::Verifier;
use yunqi_adapters::slack::tokio_tungstenite::{
    self, tungstenite::Message as Frame, WebSocketStream,
};

pub const SECRET: &str = "test-signing-secret";
/// Every test is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub auth: Option<String>,
    pub body: String,
    /// What the fake answered.
    pub status: u16,
    pub answer: String,
}

impl Call {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    pub fn answer_json(&self) -> Value {
        serde_json::from_str(&self.answer).unwrap_or(Value::Null)
    }
    pub fn ok(&self) -> bool {
        self.status == 200 && self.answer_json()["ok"] == true
    }
}

type Scripted = (u16, Option<u64>, String);

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    scripted: HashMap<String, VecDeque<Scripted>>,
    ws_url: String,
    tickets: u32,
    posts: u32,
}

#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Mutex<Inner>>,
    /// The Web API base (`…/api`), for `[slack] api_base`.
    pub base: String,
    pub origin: String,
}

fn answer(inner: &mut Inner, method: &str, body: &Value) -> String {
    match method {
        "auth.test" => json!({"ok": true, "url": "https://example.slack.com/", "team": "Example", "user": "bot", "team_id": "T0001", "user_id": "UBOT", "bot_id": "BBOT"}),
        "chat.postMessage" => {
            inner.posts += 1;
            let ts = format!("1700000100.{:06}", inner.posts);
            json!({"ok": true, "channel": body["channel"], "ts": ts, "message": {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": body["text"], "ts": ts}})
        }
        "chat.update" => json!({"ok": true, "channel": body["channel"], "ts": body["ts"], "text": body["text"]}),
        "chat.postEphemeral" => json!({"ok": true, "message_ts": "1700000002.000300"}),
        // One DM channel per user: D + the user id.
        "conversations.open" => json!({"ok": true, "channel": {"id": format!("D{}", body["users"].as_str().unwrap_or_default())}}),
        "conversations.invite" => json!({"ok": true, "channel": {"id": body["channel"]}}),
        "views.open" => json!({"ok": true, "view": {"id": "V0001", "type": "modal", "callback_id": body["view"]["callback_id"], "hash": "1700000003.abcd", "blocks": []}}),
        "apps.connections.open" => {
            inner.tickets += 1;
            json!({"ok": true, "url": format!("{}/link/?ticket=t{}&app_id=A0001", inner.ws_url, inner.tickets)})
        }
        _ => json!({"ok": false, "error": "unknown_method"}),
    }
    .to_string()
}

async fn api(
    State(fake): State<FakeSlack>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = String::from_utf8_lossy(&body).into_owned();
    let mut inner = fake.inner.lock().unwrap();
    let scripted = inner
        .scripted
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    let (status, retry_after, answer) = match scripted {
        Some(s) => s,
        None => {
            let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            (200, None, answer(&mut inner, &method, &parsed))
        }
    };
    inner.calls.push(Call {
        method,
        auth,
        body: text,
        status,
        answer: answer.clone(),
    });
    let mut r = (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        answer,
    )
        .into_response();
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert("retry-after", s.to_string().parse().unwrap());
    }
    r
}

impl FakeSlack {
    /// Starts the Web API and the Socket Mode listener; accepted sockets come out of the
    /// receiver.
    pub async fn start() -> (
        FakeSlack,
        mpsc::UnboundedReceiver<WebSocketStream<TcpStream>>,
    ) {
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", http.local_addr().unwrap());
        let inner = Inner {
            ws_url: format!("ws://{}", ws.local_addr().unwrap()),
            ..Inner::default()
        };
        let fake = FakeSlack {
            inner: Arc::new(Mutex::new(inner)),
            base: format!("{origin}/api"),
            origin,
        };
        let app = Router::new()
            .route("/api/{method}", post(api))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(http, app).await.unwrap() });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = ws.accept().await {
                if let Ok(s) = tokio_tungstenite::accept_async(tcp).await {
                    let _ = tx.send(s);
                }
            }
        });
        (fake, rx)
    }

    /// The next answer of `method` (FIFO), instead of its default.
    pub fn script(&self, method: &str, status: u16, retry_after: Option<u64>, body: &str) {
        let mut inner = self.inner.lock().unwrap();
        inner.scripted.entry(method.into()).or_default().push_back((
            status,
            retry_after,
            body.into(),
        ));
    }

    pub fn all_calls(&self) -> Vec<Call> {
        self.inner.lock().unwrap().calls.clone()
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.all_calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// Successful chat.postMessage calls to `channel`.
    pub fn posts_to(&self, channel: &str) -> Vec<Call> {
        self.calls("chat.postMessage")
            .into_iter()
            .filter(|c| c.ok() && c.json()["channel"] == channel)
            .collect()
    }

    /// Waits until `n` calls of `method` satisfy `pred`.
    pub async fn wait_for(
        &self,
        method: &str,
        n: usize,
        pred: impl Fn(&Call) -> bool,
    ) -> Vec<Call> {
        loop {
            let found: Vec<Call> = self.calls(method).into_iter().filter(|c| pred(c)).collect();
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for `n` successful posts to `channel`.
    pub async fn wait_posts(&self, channel: &str, n: usize) -> Vec<Call> {
        let channel = channel.to_string();
        self.wait_for("chat.postMessage", n, move |c| {
            c.ok() && c.json()["channel"] == channel.as_str()
        })
        .await
    }
}

/// The `[slack]` section for the real app: HTTP deliveries signed with [`SECRET`], and
/// Socket Mode too when `socket` (then without a signing secret).
pub fn slack_toml(fake: &FakeSlack, socket: bool) -> String {
    if socket {
        format!(
            "[slack]\nbot_token = \"xoxb-test\"\napp_token = \"xapp-test\"\napi_base = \"{}\"\n",
            fake.base
        )
    } else {
        format!("[slack]\nbot_token = \"xoxb-test\"\nsigning_secret = \"{SECRET}\"\napi_base = \"{}\"\n", fake.base)
    }
}

/// One salon (id 1) a week ahead: 20 seats, 3 years minimum, organizers approve.
pub fn salon_toml(slack_channel: Option<&str>) -> String {
    crate::common::salon_toml(slack_channel.map(|c| ("slack_channel", c)))
}

/// `X-Slack-Request-Timestamp` and `X-Slack-Signature` for `body`, `age` seconds ago.
pub fn sign(secret: &str, body: &str, age: i64) -> (String, String) {
    let ts = (chrono::Utc::now().timestamp() - age).to_string();
    let sig = Verifier::new(secret).sign(&ts, body.as_bytes());
    (ts, sig)
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with("/events") {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    }
}

/// POSTs `body` to `base + path` with exactly these extra headers.
pub async fn post_raw(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut req = http
        .post(format!("{base}{path}"))
        .header("content-type", content_type(path))
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// POSTs `body` signed now with [`SECRET`].
pub async fn post_signed(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    let (ts, sig) = sign(SECRET, body, 0);
    post_raw(
        http,
        base,
        path,
        body,
        &[
            ("x-slack-request-timestamp", &ts),
            ("x-slack-signature", &sig),
        ],
    )
    .await
}

/// A slash command's form body.
pub fn command_form(user: &str, channel: &str, command: &str, text: &str, trigger: &str) -> String {
    serde_urlencoded_form(&[
        ("token", "x"),
        ("team_id", "T0001"),
        ("channel_id", channel),
        ("user_id", user),
        ("command", command),
        ("text", text),
        ("response_url", ""),
        ("trigger_id", trigger),
    ])
}

/// The interactivity form: `payload=<json>`.
pub fn interactive_form(payload: &Value) -> String {
    serde_urlencoded_form(&[("payload", &payload.to_string())])
}

fn serde_urlencoded_form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        for b in v.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    out
}

/// The registration modal's submission as Slack sends it.
pub fn view_submission(
    user: &str,
    salon: i64,
    name: &str,
    phone: &str,
    position: &str,
    years: &str,
) -> Value {
    let field = |id: &str, v: &str| json!({ format!("{id}_input"): {"type": "plain_text_input", "value": v} });
    json!({
        "type": "view_submission",
        "team": {"id": "T0001"},
        "user": {"id": user},
        "api_app_id": "A0001",
        "trigger_id": "2222.3333.view",
        "view": {
            "id": "V0001", "type": "modal", "callback_id": format!("register:{salon}"), "private_metadata": "",
            "state": {"values": {
                "name": field("name", name), "phone": field("phone", phone),
                "position": field("position", position), "years": field("years", years),
            }},
        },
    })
}

/// A `message` event in the user's DM with the bot.
pub fn dm_event(event_id: &str, user: &str, text: &str, ts: &str) -> String {
    json!({
        "token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
        "event_id": event_id, "event_time": 1700000000,
        "event": {"type": "message", "channel": format!("D{user}"), "user": user, "text": text, "ts": ts, "channel_type": "im", "event_ts": ts},
    })
    .to_string()
}

/// A `block_actions` payload pressing the button with `value` in a message posted by the
/// bot (as the fake recorded it).
pub fn press(user: &str, posted: &Call, value: &str) -> Value {
    let sent = posted.json();
    let ts = posted.answer_json()["ts"].clone();
    let buttons: Vec<Value> = sent["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().clone())
        .collect();
    let action = buttons
        .iter()
        .find(|b| b["value"] == value)
        .unwrap_or_else(|| panic!("no button {value} in {sent}"))
        .clone();
    let mut action = action;
    action["block_id"] = json!("b");
    action["action_ts"] = json!("1700000200.000001");
    json!({
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "3333.4444.press",
        "container": {"type": "message", "message_ts": ts, "channel_id": sent["channel"], "is_ephemeral": false},
        "channel": {"id": sent["channel"]},
        "message": {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": sent["text"], "ts": ts, "blocks": sent["blocks"]},
        "state": {"values": {}},
        "response_url": "",
        "actions": [action],
    })
}

/// The next text frame from the bot over a fake socket, as JSON.
pub async fn next_frame(ws: &mut WebSocketStream<TcpStream>) -> Value {
    use futures::StreamExt;
    loop {
        match ws.next().await.expect("socket open").expect("frame") {
            Frame::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            _ => continue,
        }
    }
}

pub async fn send_frame(ws: &mut WebSocketStream<TcpStream>, v: &Value) {
    use futures::SinkExt;
    ws.send(Frame::Text(v.to_string().into())).await.unwrap();
}
