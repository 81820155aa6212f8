//! Shared by the Slack integration tests (`#[path]`-included): a fake Slack Web API and
//! Socket Mode server on 127.0.0.1 (specs/slack.md §6.5, §8.2), and a fake core.
#![cfg(feature = "slack")]
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures::future::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::runtime::{CoreError, EventSink, Handled};
use yunqi_bot::{EventKind, Inbound};

/// Every test is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub auth: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Call {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

type Scripted = (u16, Option<u64>, String);

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    scripted: HashMap<String, VecDeque<Scripted>>,
    ws_url: String,
    tickets: u32,
}

/// The fake: `base` is the Web API base (`…/api`); `/respond/{id}` stands for response_urls.
#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Mutex<Inner>>,
    pub base: String,
    pub origin: String,
}

fn default_answer(method: &str) -> &'static str {
    match method {
        "auth.test" => {
            r#"{"ok":true,"url":"https://example.slack.com/","team":"Example","user":"bot","team_id":"T0001","user_id":"UBOT","bot_id":"BBOT","is_enterprise_install":false}"#
        }
        "chat.postMessage" => {
            r#"{"ok":true,"channel":"C0001","ts":"1700000001.000200","message":{"type":"message","user":"UBOT","bot_id":"BBOT","text":"hello","ts":"1700000001.000200"}}"#
        }
        "chat.update" => {
            r#"{"ok":true,"channel":"C0001","ts":"1700000001.000200","text":"updated","message":{"text":"updated","user":"UBOT"}}"#
        }
        "chat.postEphemeral" => r#"{"ok":true,"message_ts":"1700000002.000300"}"#,
        "conversations.open" => r#"{"ok":true,"channel":{"id":"D0001"}}"#,
        "conversations.invite" => r#"{"ok":true,"channel":{"id":"C0001"}}"#,
        "views.open" => {
            r#"{"ok":true,"view":{"id":"V0001","type":"modal","callback_id":"registration","hash":"1700000003.abcd","blocks":[]}}"#
        }
        _ => r#"{"ok":false,"error":"unknown_method"}"#,
    }
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
    let mut inner = fake.inner.lock().unwrap();
    inner.calls.push(Call {
        method: method.clone(),
        auth: header("authorization"),
        content_type: header("content-type"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let (status, retry_after, body) = match inner
        .scripted
        .get_mut(&method)
        .and_then(VecDeque::pop_front)
    {
        Some(s) => s,
        None if method == "apps.connections.open" => {
            inner.tickets += 1;
            let url = format!(
                "{}/link/?ticket=t{}&app_id=A0001",
                inner.ws_url, inner.tickets
            );
            (
                200,
                None,
                serde_json::json!({"ok": true, "url": url}).to_string(),
            )
        }
        None => (200, None, default_answer(&method).to_string()),
    };
    let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert("retry-after", s.to_string().parse().unwrap());
    }
    r
}

impl FakeSlack {
    /// Starts the Web API and the Socket Mode listener; sockets arrive on the receiver.
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
        let app =
            Router::new()
                .route("/api/{method}", post(api))
                .route(
                    "/respond/{id}",
                    post(
                        |Path(id): Path<String>,
                         State(f): State<FakeSlack>,
                         h: HeaderMap,
                         b: Bytes| async move {
                            api(State(f), Path(format!("respond/{id}")), h, b).await;
                            StatusCode::OK
                        },
                    ),
                )
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

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.inner
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Waits until `method` has been called `n` times.
    pub async fn wait_calls(&self, method: &str, n: usize) -> Vec<Call> {
        loop {
            let calls = self.calls(method);
            if calls.len() >= n {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A core stand-in: records events, answers inline ones with `echo: <text>`, can be slow
/// or fail.
pub struct FakeCore {
    pub seen: Mutex<Vec<Inbound>>,
    pub delay: Duration,
    pub fail: bool,
}

impl FakeCore {
    pub fn new() -> Arc<FakeCore> {
        Arc::new(FakeCore {
            seen: Mutex::new(Vec::new()),
            delay: Duration::ZERO,
            fail: false,
        })
    }
    pub fn slow(delay: Duration) -> Arc<FakeCore> {
        Arc::new(FakeCore {
            seen: Mutex::new(Vec::new()),
            delay,
            fail: false,
        })
    }
    pub fn failing() -> Arc<FakeCore> {
        Arc::new(FakeCore {
            seen: Mutex::new(Vec::new()),
            delay: Duration::ZERO,
            fail: true,
        })
    }
    pub fn seen(&self) -> Vec<Inbound> {
        self.seen.lock().unwrap().clone()
    }
    pub async fn wait_seen(&self, n: usize) -> Vec<Inbound> {
        loop {
            let seen = self.seen();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn text_of(ev: &Inbound) -> &str {
    match &ev.kind {
        EventKind::Text(t) | EventKind::Button(t) => t,
        EventKind::Joined { conversation } => conversation,
    }
}

impl EventSink for FakeCore {
    fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.seen.lock().unwrap().push(ev.clone());
            if self.fail {
                return Err(CoreError::Failed("storage down".into()));
            }
            let mut h = Handled::default();
            if ev.reply_inline {
                let to = Recipient {
                    user: ev.user.clone(),
                    conversation: ev.conversation.clone(),
                };
                h.inline.push(Outgoing::new(
                    to,
                    Reply::text(format!("echo: {}", text_of(&ev))),
                ));
            }
            Ok(h)
        })
    }
}
