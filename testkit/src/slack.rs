//! A fake Slack on 127.0.0.1, for the adapter's own tests and the end-to-end tests: the
//! Web API under `…/api` (every call recorded with the status it answered, scripted
//! answers with `Retry-After`), `/respond/{id}` standing for response_urls, and a
//! Socket Mode listener whose accepted sockets come out of a channel.

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
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub auth: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
    /// What the fake answered.
    pub status: u16,
    pub answer: String,
    /// When the call arrived (rate checks).
    pub at: std::time::Instant,
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
    /// Where upload URLs point (this fake).
    origin: String,
    tickets: u32,
    posts: u32,
    uploads: u32,
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
            let ts = format!("1700000001.{:06}", 100 + 100 * inner.posts);
            json!({"ok": true, "channel": body["channel"], "ts": ts, "message": {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": body["text"], "ts": ts}})
        }
        "chat.update" => json!({"ok": true, "channel": body["channel"], "ts": body["ts"], "text": body["text"]}),
        "chat.postEphemeral" => json!({"ok": true, "message_ts": "1700000002.000300"}),
        // One DM channel per user: D + the user id.
        "conversations.open" => json!({"ok": true, "channel": {"id": format!("D{}", body["users"].as_str().unwrap_or_default())}}),
        "conversations.invite" => json!({"ok": true, "channel": {"id": body["channel"]}}),
        "views.open" => json!({"ok": true, "view": {"id": "V0001", "type": "modal", "callback_id": body["view"]["callback_id"], "hash": "1700000003.abcd", "blocks": []}}),
        // The files upload flow (files.uploadV2 in the SDKs): a URL to POST the bytes to…
        "files.getUploadURLExternal" => {
            inner.uploads += 1;
            let id = format!("F{:04}", inner.uploads);
            json!({"ok": true, "upload_url": format!("{}/upload/{id}", inner.origin), "file_id": id})
        }
        // …then the file is shared.
        "files.completeUploadExternal" => json!({"ok": true, "files": body["files"]}),
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
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let auth = header("authorization");
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
        content_type: header("content-type"),
        body: text,
        status,
        answer: answer.clone(),
        at: std::time::Instant::now(),
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

/// An upload URL: recorded as method `upload/{id}`, answered like Slack's `OK - <bytes>`.
async fn upload(
    State(fake): State<FakeSlack>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let len = body.len();
    let method = format!("upload/{id}");
    let scripted = fake
        .inner
        .lock()
        .unwrap()
        .scripted
        .get_mut(&method)
        .and_then(VecDeque::pop_front);
    let status = scripted.as_ref().map_or(200, |s| s.0);
    fake.inner.lock().unwrap().calls.push(Call {
        method,
        auth: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: String::from_utf8_lossy(&body).into_owned(),
        status,
        answer: String::new(),
        at: std::time::Instant::now(),
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        format!("OK - {len}"),
    )
}

/// A response_url: recorded as method `respond/{id}`, always 200.
async fn respond(
    State(fake): State<FakeSlack>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    api(State(fake), Path(format!("respond/{id}")), headers, body).await;
    StatusCode::OK
}

impl FakeSlack {
    /// Starts the Web API and the Socket Mode listener; accepted sockets come out of the
    /// receiver.
    pub async fn start() -> (
        FakeSlack,
        mpsc::UnboundedReceiver<WebSocketStream<TcpStream>>,
    ) {
        let (http, origin) = crate::loopback("http").await;
        let (ws, ws_url) = crate::loopback("ws").await;
        let inner = Inner {
            ws_url,
            origin: origin.clone(),
            ..Inner::default()
        };
        let fake = FakeSlack {
            inner: Arc::new(Mutex::new(inner)),
            base: format!("{origin}/api"),
            origin,
        };
        let app = Router::new()
            .route("/api/{method}", post(api))
            .route("/respond/{id}", post(respond))
            .route("/upload/{id}", post(upload))
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

    /// Waits until `method` has been called `n` times.
    pub async fn wait_calls(&self, method: &str, n: usize) -> Vec<Call> {
        self.wait_for(method, n, |_| true).await
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
