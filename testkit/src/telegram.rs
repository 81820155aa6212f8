//! A fake Telegram Bot API on 127.0.0.1, for the adapter's own tests and the end-to-end
//! tests: method names matched case-insensitively, getUpdates with offset confirmation and
//! a held long poll, every call recorded, scripted errors (429 with `retry_after`), and
//! helpers that play a user writing to the bot or pressing a button.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-token";
pub const BOT_ID: i64 = 999;
pub const MEMBER: i64 = 111;
pub const ORGANIZER: i64 = 222;
pub const GROUP: &str = "-1001234567890";

#[derive(Debug, Clone)]
pub struct Call {
    /// Lower-cased method name.
    pub method: String,
    pub body: Value,
    /// The raw body (multipart uploads).
    pub raw: String,
    /// The uploaded file of a multipart body, byte for byte.
    pub file: Option<Vec<u8>>,
    pub at: Instant,
}

#[derive(Default)]
struct World {
    calls: Vec<Call>,
    /// Updates not yet confirmed by an offset.
    updates: VecDeque<Value>,
    next_update: i64,
    next_message: HashMap<i64, i64>,
    inject: HashMap<String, VecDeque<(u16, Value)>>,
    links: u32,
}

pub struct Fake {
    pub base: String,
    world: Mutex<World>,
    arrived: Notify,
}

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "YunqiBot", "username": "yunqi_bot"})
}

pub fn user(id: i64, lang: &str) -> Value {
    json!({"id": id, "is_bot": false, "first_name": format!("User{id}"), "username": format!("user{id}"), "language_code": lang})
}

pub fn private_chat(id: i64) -> Value {
    json!({"id": id, "first_name": format!("User{id}"), "type": "private"})
}

fn ok(result: Value) -> Response {
    Json(json!({"ok": true, "result": result})).into_response()
}

impl Fake {
    fn w(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn start() -> Arc<Fake> {
        let (listener, _) = crate::loopback("http").await;
        Fake::start_on(listener).await
    }

    /// On a given listener: a test can point the bot at a port first and bring the
    /// platform up there later ("unreachable at start").
    pub async fn start_on(listener: tokio::net::TcpListener) -> Arc<Fake> {
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let fake = Arc::new(Fake {
            base,
            world: Mutex::new(World {
                next_update: 1,
                ..World::default()
            }),
            arrived: Notify::new(),
        });
        let app = Router::new()
            .route("/{bot}/{method}", post(api))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// The next `n` calls of `method` get this HTTP status and JSON body.
    pub fn inject(&self, method: &str, status: u16, body: Value) {
        self.w()
            .inject
            .entry(method.to_lowercase())
            .or_default()
            .push_back((status, body));
    }

    /// Flood control for the next call of `method`.
    pub fn flood(&self, method: &str, retry_after: u32) {
        self.inject(
            method,
            429,
            json!({"ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {retry_after}"), "parameters": {"retry_after": retry_after}}),
        );
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        let m = method.to_lowercase();
        self.w()
            .calls
            .iter()
            .filter(|c| c.method == m)
            .cloned()
            .collect()
    }

    /// sendMessage bodies to a chat, in order (failed attempts excluded).
    pub fn sent(&self, chat: i64) -> Vec<Value> {
        self.w()
            .calls
            .iter()
            .filter(|c| c.method == "sendmessage" && c.body["chat_id"].as_i64() == Some(chat))
            .filter(|c| c.body.get("_failed").is_none())
            .map(|c| c.body.clone())
            .collect()
    }

    pub fn texts(&self, chat: i64) -> Vec<String> {
        self.sent(chat)
            .iter()
            .map(|b| b["text"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    fn push(&self, kind: &str, payload: Value) -> i64 {
        let id = {
            let mut w = self.w();
            let id = w.next_update;
            w.next_update += 1;
            let mut u = json!({"update_id": id});
            u[kind] = payload;
            w.updates.push_back(u);
            id
        };
        self.arrived.notify_waiters();
        id
    }

    fn next_message_id(&self, chat: i64) -> i64 {
        let mut w = self.w();
        let n = w.next_message.entry(chat).or_insert(100);
        *n += 1;
        *n
    }

    /// A user writes to the bot in a private chat; returns (update id, message id).
    pub fn user_says(&self, from: i64, text: &str) -> (i64, i64) {
        self.user_replies(from, text, None)
    }

    /// A user answers one of the bot's messages (a Telegram reply).
    pub fn user_replies(&self, from: i64, text: &str, to_message: Option<i64>) -> (i64, i64) {
        let id = self.next_message_id(from);
        let mut m = json!({"message_id": id, "from": user(from, "zh-hans"), "chat": private_chat(from), "date": 1_700_000_000, "text": text});
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .unwrap_or("")
                .encode_utf16()
                .count();
            m["entities"] = json!([{"offset": 0, "length": len, "type": "bot_command"}]);
        }
        if let Some(parent) = to_message {
            m["reply_to_message"] = json!({"message_id": parent, "from": bot_user(), "chat": private_chat(from), "date": 1_700_000_000, "text": "…"});
        }
        (self.push("message", m), id)
    }

    /// A user presses an inline button with `data` on the bot's message `message_id`.
    pub fn press(&self, from: i64, message_id: i64, data: &str) -> i64 {
        let q = json!({
            "id": format!("cbq-{from}-{message_id}-{}", data.len()),
            "from": user(from, "zh-hans"),
            "message": {"message_id": message_id, "from": bot_user(), "chat": private_chat(from), "date": 1_700_000_010, "text": "…"},
            "chat_instance": "-1234567890123456789",
            "data": data,
        });
        self.push("callback_query", q)
    }

    /// Queues an update as it stands (its own `update_id`).
    pub fn push_update(&self, update: Value) {
        self.w().updates.push_back(update);
        self.arrived.notify_waiters();
    }

    /// Updates still unconfirmed.
    pub fn unconfirmed(&self) -> usize {
        self.w().updates.len()
    }
}

async fn api(
    State(fake): State<Arc<Fake>>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        )
            .into_response();
    }
    let method = method.to_lowercase();
    let raw = String::from_utf8_lossy(&body).to_string();
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let mut parsed: Value = if json_body {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    } else {
        multipart_fields(&raw)
    };
    let injected = fake
        .w()
        .inject
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    if let Some((status, answer)) = injected {
        parsed["_failed"] = json!(status);
        fake.w().calls.push(Call {
            method,
            body: parsed,
            raw,
            file: multipart_file(&body),
            at: Instant::now(),
        });
        return (
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            Json(answer),
        )
            .into_response();
    }
    let call = Call {
        method: method.clone(),
        body: parsed.clone(),
        raw,
        file: multipart_file(&body),
        at: Instant::now(),
    };
    // a long poll is recorded on arrival (shutdown may cut it short), the rest once answered
    if method == "getupdates" {
        fake.w().calls.push(call);
        return answer(&fake, &method, &parsed).await.0;
    }
    let (response, made) = answer(&fake, &method, &parsed).await;
    let mut call = call;
    if let Some(id) = made {
        call.body["_message_id"] = json!(id);
    }
    fake.w().calls.push(call);
    response
}

/// The response, and the id of a message it created.
async fn answer(fake: &Fake, method: &str, parsed: &Value) -> (Response, Option<i64>) {
    let mut made = None;
    let r = match method {
        "getme" => ok(
            json!({"id": BOT_ID, "is_bot": true, "first_name": "YunqiBot", "username": "yunqi_bot", "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false, "can_connect_to_business": false, "has_main_web_app": false}),
        ),
        "getupdates" => get_updates(fake, parsed).await,
        "sendmessage" | "senddocument" | "sendphoto" => {
            let chat = parsed["chat_id"]
                .as_i64()
                .or_else(|| parsed["chat_id"].as_str().and_then(|s| s.parse().ok()))
                .unwrap_or(0);
            let id = fake.next_message_id(chat);
            made = Some(id);
            let text = parsed["text"].as_str().unwrap_or("(document)").to_string();
            ok(
                json!({"message_id": id, "from": bot_user(), "chat": {"id": chat, "type": if chat < 0 {"supergroup"} else {"private"}, "title": "Group", "first_name": "User"}, "date": 1_700_000_100, "text": text}),
            )
        }
        "createchatinvitelink" => {
            let n = {
                let mut w = fake.w();
                w.links += 1;
                w.links
            };
            ok(
                json!({"invite_link": format!("https://t.me/+fakeLink{n}"), "creator": bot_user(), "creates_join_request": false, "is_primary": false, "is_revoked": false, "member_limit": parsed["member_limit"], "name": parsed["name"]}),
            )
        }
        _ => ok(json!(true)),
    };
    (r, made)
}

/// The bytes of the first file part of a multipart body.
fn multipart_file(body: &[u8]) -> Option<Vec<u8>> {
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let line_end = find(body, b"\r\n", 0)?;
    let boundary = [b"\r\n", &body[..line_end]].concat();
    let named = find(body, b"; filename=", 0)?;
    let start = find(body, b"\r\n\r\n", named)? + 4;
    let end = find(body, &boundary, start)?;
    Some(body[start..end].to_vec())
}

/// The text fields of a multipart body (`chat_id`, …); files are left in `raw`.
fn multipart_fields(raw: &str) -> Value {
    let mut out = json!({});
    for part in raw.split("Content-Disposition: form-data; name=\"").skip(1) {
        let Some((name, rest)) = part.split_once('"') else {
            continue;
        };
        if rest.starts_with("; filename=") {
            continue;
        }
        let value = rest
            .split("\r\n\r\n")
            .nth(1)
            .and_then(|v| v.split("\r\n--").next())
            .unwrap_or("");
        out[name] = match value.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => json!(value),
        };
    }
    out
}

async fn get_updates(fake: &Fake, params: &Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(5);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = fake.arrived.notified();
        let batch: Vec<Value> = {
            let mut w = fake.w();
            while w
                .updates
                .front()
                .is_some_and(|u| u["update_id"].as_i64().unwrap_or(0) < offset)
            {
                w.updates.pop_front();
            }
            w.updates.iter().take(100).cloned().collect()
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            return ok(Value::Array(batch));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}
