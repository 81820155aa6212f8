//! A fake Discord on 127.0.0.1, for the adapter's own tests and the end-to-end tests:
//! REST under `/api/v10` (what serenity calls through `HttpBuilder::proxy`), every call
//! recorded, scripted errors (429, 5xx) by route, and a plain-WebSocket gateway (Hello →
//! Identify → READY → scripted dispatches, heartbeats acknowledged).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_tungstenite::{accept_async, tungstenite::Message as Ws};

pub const TOKEN: &str = "TEST.BOT.TOKEN";
pub const APP: &str = "900000000000000001";
pub const GUILD: &str = "700000000000000001";
pub const CHANNEL: &str = "600000000000000001";
pub const ROLE: &str = "710000000000000001";
pub const MEMBER: &str = "800000000000000001";
pub const ORGANIZER: &str = "800000000000000002";

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path after `/api/v10`.
    pub path: String,
    pub body: Value,
    pub raw: String,
    pub at: Instant,
    pub status: u16,
}

#[derive(Default)]
struct World {
    calls: Vec<Call>,
    /// Route keys ("POST /channels/{}/messages") → scripted (status, body).
    inject: HashMap<String, VecDeque<(u16, Value)>>,
    identified: bool,
    heartbeats: usize,
}

pub struct Fake {
    pub base: String,
    pub ws: String,
    world: Mutex<World>,
    ids: AtomicU64,
    seq: AtomicU64,
    dispatch: mpsc::UnboundedSender<(String, Value)>,
}

pub fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name, "discriminator": "0", "global_name": name, "avatar": null})
}

fn bot() -> Value {
    json!({"id": APP, "username": "testbot", "discriminator": "0", "global_name": null, "avatar": null, "bot": true})
}

/// The DM channel the fake opens with a user.
pub fn dm_of(user: &str) -> String {
    format!("61{}", &user[2..])
}

pub fn message(id: &str, channel: &str, author: Value, content: &str) -> Value {
    json!({"id": id, "channel_id": channel, "author": author, "content": content, "timestamp": "2024-01-01T00:00:00.000000+00:00", "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0, "components": []})
}

/// A route key: the method and the path with snowflakes replaced by `{}`.
fn route_key(method: &str, path: &str) -> String {
    let p: Vec<String> = path
        .split('/')
        .map(|s| {
            if s.len() > 10 && s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with("itoken-") {
                "{}".to_string()
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("{method} {}", p.join("/"))
}

impl Fake {
    fn w(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn start() -> Arc<Fake> {
        let (rest, base) = crate::loopback("http").await;
        let (gw, ws) = crate::loopback("ws").await;
        let (tx, rx) = mpsc::unbounded_channel();
        let fake = Arc::new(Fake {
            base,
            ws,
            world: Mutex::new(World::default()),
            ids: AtomicU64::new(500_000_000_000_000_100),
            seq: AtomicU64::new(1),
            dispatch: tx,
        });
        let app = Router::new()
            .route("/api/v10/gateway", get(gateway))
            .route("/api/v10/gateway/bot", get(gateway))
            .route(
                "/api/v10/{*path}",
                put(rest_call)
                    .post(rest_call)
                    .patch(rest_call)
                    .delete(rest_call)
                    .get(rest_call),
            )
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(rest, app).await });
        let f = fake.clone();
        tokio::spawn(async move { run_gateway(f, gw, rx).await });
        fake
    }

    pub fn next_id(&self) -> String {
        self.ids.fetch_add(1, Ordering::SeqCst).to_string()
    }

    /// The next call on route `key` (e.g. `POST /channels/{}/messages`) gets this answer.
    pub fn inject(&self, key: &str, status: u16, body: Value) {
        self.w()
            .inject
            .entry(key.to_string())
            .or_default()
            .push_back((status, body));
    }

    /// A 429 for the next message posted to any channel.
    pub fn rate_limit_messages(&self) {
        self.inject(
            "POST /channels/{}/messages",
            429,
            json!({"message": "You are being rate limited.", "retry_after": 0.5, "global": false}),
        );
    }

    pub fn calls(&self) -> Vec<Call> {
        self.w().calls.clone()
    }

    /// Every call as `METHOD /path`, in order.
    pub fn paths(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect()
    }

    pub fn calls_to(&self, key: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| route_key(&c.method, &c.path) == key)
            .collect()
    }

    /// Messages posted (successfully) to a channel, as sent.
    pub fn posted(&self, channel: &str) -> Vec<Call> {
        let path = format!("/channels/{channel}/messages");
        self.calls()
            .into_iter()
            .filter(|c| c.method == "POST" && c.path == path && c.status < 300)
            .collect()
    }

    pub fn contents(&self, channel: &str) -> Vec<String> {
        self.posted(channel)
            .iter()
            .map(|c| c.body["content"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Interaction callbacks and follow-ups for one interaction token, in order.
    pub fn answers(&self, token: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.path.contains(token))
            .collect()
    }

    pub fn identified(&self) -> bool {
        self.w().identified
    }

    pub fn dispatch(&self, t: &str, d: Value) {
        let _ = self.dispatch.send((t.to_string(), d));
    }

    /// A slash command in the guild channel; returns its token.
    pub fn slash(&self, from: &str, name: &str, args: Option<&str>) -> String {
        let id = self.next_id();
        let token = format!("itoken-{id}");
        let options = match args {
            Some(a) => json!([{"name": "args", "type": 3, "value": a}]),
            None => json!([]),
        };
        self.dispatch("INTERACTION_CREATE", json!({
            "id": id, "application_id": APP, "type": 2,
            "data": {"id": "300000000000000001", "name": name, "type": 1, "options": options},
            "guild_id": GUILD, "channel_id": CHANNEL,
            "channel": {"id": CHANNEL, "type": 0, "name": "general", "guild_id": GUILD},
            "member": {"user": user(from, "alice"), "nick": null, "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0, "pending": false, "permissions": "2248473465835073"},
            "token": token, "version": 1, "app_permissions": "2248473465835073", "locale": "zh-CN", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": GUILD}, "context": 0, "attachment_size_limit": 10485760
        }));
        token
    }

    /// A button press in a DM on the bot's message `message_id`; returns its token.
    pub fn press(&self, from: &str, message_id: &str, custom_id: &str) -> String {
        let id = self.next_id();
        let token = format!("itoken-{id}");
        let dm = dm_of(from);
        let mut m = message(message_id, &dm, bot(), "…");
        m["components"] = json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "OK", "custom_id": custom_id}]}]);
        self.dispatch("INTERACTION_CREATE", json!({
            "id": id, "application_id": APP, "type": 3,
            "data": {"custom_id": custom_id, "component_type": 2},
            "channel_id": dm, "channel": {"id": dm, "type": 1},
            "user": user(from, "organizer"),
            "token": token, "version": 1, "app_permissions": "2248473465835073", "locale": "zh-CN",
            "entitlements": [], "authorizing_integration_owners": {"1": from}, "context": 1, "attachment_size_limit": 10485760,
            "message": m
        }));
        token
    }

    /// A direct message to the bot; returns the message id.
    pub fn dm(&self, from: &str, content: &str) -> String {
        let id = self.next_id();
        self.dispatch(
            "MESSAGE_CREATE",
            message(&id, &dm_of(from), user(from, "alice"), content),
        );
        id
    }

    /// A reply (message reference) in the guild channel to message `parent`.
    pub fn reply_in_channel(&self, from: &str, parent: &str, content: &str) -> String {
        let id = self.next_id();
        let mut m = message(&id, CHANNEL, user(from, "alice"), content);
        m["guild_id"] = json!(GUILD);
        m["type"] = json!(19);
        m["message_reference"] =
            json!({"type": 0, "message_id": parent, "channel_id": CHANNEL, "guild_id": GUILD});
        self.dispatch("MESSAGE_CREATE", m);
        id
    }
}

async fn gateway(State(fake): State<Arc<Fake>>) -> Json<Value> {
    Json(
        json!({"url": fake.ws, "shards": 1, "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
    )
}

/// Text fields of a multipart body: `payload_json` parsed, files kept in `raw`.
fn multipart_payload(raw: &str) -> Value {
    raw.split("name=\"payload_json\"")
        .nth(1)
        .and_then(|rest| rest.split("\r\n\r\n").nth(1))
        .and_then(|v| v.split("\r\n--").next())
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or(Value::Null)
}

async fn rest_call(
    State(fake): State<Arc<Fake>>,
    method: Method,
    uri: Uri,
    Path(_path): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_start_matches("/api/v10").to_string();
    let raw = String::from_utf8_lossy(&body).to_string();
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed = if is_json {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    } else if raw.contains("payload_json") {
        multipart_payload(&raw)
    } else {
        Value::Null
    };
    let authorized =
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bot {TOKEN}"));
    let key = route_key(method.as_str(), &path);
    let injected = fake.w().inject.get_mut(&key).and_then(VecDeque::pop_front);
    let (status, answer) =
        if !authorized && !path.starts_with("/interactions/") && !path.starts_with("/webhooks/") {
            (401, json!({"message": "401: Unauthorized", "code": 0}))
        } else if let Some(i) = injected {
            i
        } else {
            respond(&fake, &key, &path, &parsed)
        };
    fake.w().calls.push(Call {
        method: method.to_string(),
        path,
        body: parsed,
        raw,
        at: Instant::now(),
        status,
    });
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if status == 204 {
        return code.into_response();
    }
    let mut r = (code, Json(answer)).into_response();
    if status == 429 {
        r.headers_mut().insert("retry-after", "1".parse().unwrap());
        r.headers_mut()
            .insert("x-ratelimit-scope", "user".parse().unwrap());
    }
    r
}

fn respond(fake: &Fake, key: &str, path: &str, body: &Value) -> (u16, Value) {
    let seg: Vec<&str> = path.split('/').collect();
    match key {
        "PUT /applications/{}/commands" | "PUT /applications/{}/guilds/{}/commands" => {
            (200, json!([]))
        }
        "POST /users/@me/channels" => {
            let to = body["recipient_id"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| body["recipient_id"].to_string());
            (
                200,
                json!({"id": dm_of(&to), "type": 1, "last_message_id": null, "recipients": [user(&to, "someone")]}),
            )
        }
        "POST /channels/{}/messages" => {
            let mut m = message(
                &fake.next_id(),
                seg[2],
                bot(),
                body["content"].as_str().unwrap_or_default(),
            );
            if let Some(c) = body.get("components") {
                m["components"] = c.clone();
            }
            (200, m)
        }
        "POST /channels/{}/messages/{}/threads" => (
            201,
            json!({"id": seg[4], "type": 11, "guild_id": GUILD, "parent_id": seg[2], "owner_id": APP, "name": body["name"], "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": "2024-01-01T00:00:00.000000+00:00", "locked": false}, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0, "total_message_sent": 0}),
        ),
        "PUT /guilds/{}/members/{}/roles/{}" => (204, Value::Null),
        k if k.starts_with("POST /interactions/") => (204, Value::Null),
        k if k.starts_with("POST /webhooks/") || k.starts_with("PATCH /webhooks/") => (
            200,
            message(
                &fake.next_id(),
                CHANNEL,
                bot(),
                body["content"].as_str().unwrap_or_default(),
            ),
        ),
        _ => (404, json!({"message": "404: Not Found", "code": 0})),
    }
}

async fn run_gateway(
    fake: Arc<Fake>,
    listener: tokio::net::TcpListener,
    rx: mpsc::UnboundedReceiver<(String, Value)>,
) {
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    while let Ok((stream, _)) = listener.accept().await {
        let fake = fake.clone();
        let rx = rx.clone();
        tokio::spawn(async move {
            let Ok(mut ws) = accept_async(stream).await else {
                return;
            };
            let hello = json!({"op": 10, "d": {"heartbeat_interval": 1000}, "s": null, "t": null});
            if ws.send(Ws::Text(hello.to_string().into())).await.is_err() {
                return;
            }
            let mut ready = false;
            let mut rx = rx.lock().await;
            loop {
                tokio::select! {
                    frame = ws.next() => {
                        let Some(Ok(frame)) = frame else { return };
                        let Ws::Text(text) = frame else { continue };
                        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                        match v["op"].as_i64() {
                            Some(2) => {
                                fake.w().identified = true;
                                let s = fake.seq.fetch_add(1, Ordering::SeqCst);
                                let ready_ev = json!({"op": 0, "s": s, "t": "READY", "d": {"v": 10, "user": {"id": APP, "username": "testbot", "discriminator": "0", "global_name": null, "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "flags": 0}, "guilds": [{"id": GUILD, "unavailable": true}], "session_id": "fake-session-1", "resume_gateway_url": fake.ws, "shard": [0, 1], "application": {"id": APP, "flags": 0}}});
                                if ws.send(Ws::Text(ready_ev.to_string().into())).await.is_err() { return; }
                                ready = true;
                            }
                            Some(1) => {
                                fake.w().heartbeats += 1;
                                if ws.send(Ws::Text(json!({"op": 11}).to_string().into())).await.is_err() { return; }
                            }
                            _ => {}
                        }
                    }
                    ev = rx.recv(), if ready => {
                        let Some((t, d)) = ev else { return };
                        let s = fake.seq.fetch_add(1, Ordering::SeqCst);
                        let frame = json!({"op": 0, "s": s, "t": t, "d": d});
                        if ws.send(Ws::Text(frame.to_string().into())).await.is_err() { return; }
                    }
                }
            }
        });
    }
}
