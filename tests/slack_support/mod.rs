//! Drives the real app's Slack side in the end-to-end tests: the config pointing at the
//! fake Slack (from the test kit), requests signed the way Slack signs them, and the
//! payloads and socket frames Slack would send.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::Duration;
pub use testkit::slack::*;
use tokio::net::TcpStream;
use yunqi_adapters::slack::signature::Verifier;
use yunqi_adapters::slack::tokio_tungstenite::{tungstenite::Message as Frame, WebSocketStream};

pub const SECRET: &str = "test-signing-secret";
/// Every test is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(30);

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
    testkit::salon_toml(slack_channel.map(|c| ("slack_channel", c)))
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
