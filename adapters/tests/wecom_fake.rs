//! A small fake WeCom server on 127.0.0.1 (specs/wecom-external.md §8), a recording
//! EventSink and an in-memory Kv, shared by the WeCom integration tests through
//! `#[path = "wecom_fake.rs"] mod fake;`. Built alone it checks itself.
#![cfg(feature = "wecom")]
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yunqi_adapters::wecom::WecomConfig;
use yunqi_bot::ports::{Kv, StoreResult};
use yunqi_bot::runtime::{CoreError, EventSink, Handled};
use yunqi_bot::Inbound;

pub const SECRET: &str = "app-secret";
pub const CORP: &str = "ww0123456789abcdef";
pub const ROBOT_KEY: &str = "robot-key-1";

/// One scripted answer for the next call to a path.
pub enum Inject {
    Json(Value),
    /// Answer late (the client's timeout should fire first).
    Sleep(Duration),
    /// Make the token in use expire, so this call gets 42001.
    ExpireToken,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub body: Value,
    pub token: Option<String>,
}

#[derive(Default)]
pub struct Fake {
    pub gettoken_calls: AtomicUsize,
    valid: Mutex<Option<String>>,
    expired: Mutex<Vec<String>>,
    calls: Mutex<Vec<Call>>,
    inject: Mutex<HashMap<String, VecDeque<Inject>>>,
    /// kf pages by request cursor ("" = no cursor).
    pub kf_pages: Mutex<HashMap<String, Value>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Fake {
    pub fn inject(&self, path: &str, i: Inject) {
        lock(&self.inject)
            .entry(path.to_string())
            .or_default()
            .push_back(i);
    }

    pub fn calls(&self, path: &str) -> Vec<Call> {
        lock(&self.calls)
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }

    pub fn gettokens(&self) -> usize {
        self.gettoken_calls.load(Ordering::SeqCst)
    }

    fn expire(&self) {
        if let Some(t) = lock(&self.valid).take() {
            lock(&self.expired).push(t);
        }
    }

    /// Checks the token the way WeCom does; `Some(errcode)` when refused.
    fn token_error(&self, token: Option<&String>) -> Option<i64> {
        let Some(t) = token else { return Some(41001) };
        if lock(&self.valid).as_ref() == Some(t) {
            None
        } else if lock(&self.expired).contains(t) {
            Some(42001)
        } else {
            Some(40014)
        }
    }
}

fn err(errcode: i64) -> Value {
    json!({"errcode": errcode, "errmsg": format!("fake error {errcode}, more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}")})
}

async fn gettoken(
    State(f): State<Arc<Fake>>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let n = f.gettoken_calls.fetch_add(1, Ordering::SeqCst) + 1;
    // slow enough that concurrent callers overlap
    tokio::time::sleep(Duration::from_millis(50)).await;
    if q.get("corpid").map(String::as_str) != Some(CORP)
        || q.get("corpsecret").map(String::as_str) != Some(SECRET)
    {
        return Json(err(40001));
    }
    let token = format!("tok{n}");
    *lock(&f.valid) = Some(token.clone());
    Json(json!({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}))
}

async fn api(
    State(f): State<Arc<Fake>>,
    Path(path): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let token = q.get("access_token").cloned();
    lock(&f.calls).push(Call {
        path: path.clone(),
        body: body.clone(),
        token: token.clone(),
    });
    let scripted = lock(&f.inject).get_mut(&path).and_then(VecDeque::pop_front);
    match scripted {
        Some(Inject::Json(v)) => return Json(v).into_response(),
        Some(Inject::Sleep(d)) => tokio::time::sleep(d).await,
        Some(Inject::ExpireToken) => f.expire(),
        None => {}
    }
    if path == "webhook/send" {
        let ok = q.get("key").map(String::as_str) == Some(ROBOT_KEY);
        return Json(if ok {
            json!({"errcode": 0, "errmsg": "ok"})
        } else {
            err(93000)
        })
        .into_response();
    }
    if let Some(code) = f.token_error(token.as_ref()) {
        return Json(err(code)).into_response();
    }
    let n = lock(&f.calls).len();
    let answer = match path.as_str() {
        "message/send" => {
            let touser = body["touser"].as_str().unwrap_or_default();
            let invalid: Vec<String> = touser
                .split('|')
                .filter(|u| u.starts_with("Ghost"))
                .map(str::to_lowercase)
                .collect();
            if !touser.is_empty() && invalid.len() == touser.split('|').count() {
                err(81013)
            } else {
                json!({"errcode": 0, "errmsg": "ok", "invaliduser": invalid.join("|"), "msgid": format!("m{n}"), "response_code": "rc"})
            }
        }
        "kf/sync_msg" => {
            let cursor = body["cursor"].as_str().unwrap_or_default();
            lock(&f.kf_pages).get(cursor).cloned().unwrap_or_else(|| json!({"errcode": 0, "errmsg": "ok", "next_cursor": cursor, "has_more": 0, "msg_list": []}))
        }
        "kf/send_msg" | "kf/send_msg_on_event" => {
            let id = body["msgid"]
                .as_str()
                .map(String::from)
                .unwrap_or(format!("k{n}"));
            json!({"errcode": 0, "errmsg": "ok", "msgid": id})
        }
        "externalcontact/groupchat/add_join_way" => {
            json!({"errcode": 0, "errmsg": "ok", "config_id": "cfg1"})
        }
        "externalcontact/groupchat/get_join_way" => {
            json!({"errcode": 0, "errmsg": "ok", "join_way": {
            "config_id": body["config_id"], "scene": 2, "chat_id_list": ["wr1"], "state": "r1234", "qr_code": "http://p.qpic.cn/wwhead/cfg1/0"}})
        }
        "externalcontact/groupchat/get" => json!({"errcode": 0, "errmsg": "ok", "group_chat": {
            "chat_id": body["chat_id"], "name": "Rust沙龙深圳1", "owner": "organizer_li", "member_version": "v2",
            "member_list": [
                {"userid": "organizer_li", "type": 1, "join_time": 1700000000, "join_scene": 1},
                {"userid": "wmAJ2", "type": 2, "join_time": 1700000500, "join_scene": 3, "state": "r1234"}]}}),
        _ => json!({"errcode": 0, "errmsg": "ok"}),
    };
    Json(answer).into_response()
}

/// Starts the fake; the config points at it.
pub async fn start() -> (Arc<Fake>, WecomConfig) {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/cgi-bin/gettoken", get(gettoken))
        .route("/cgi-bin/{*path}", post(api))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}");
    let cfg = WecomConfig {
        corp_id: Some(CORP.into()),
        agent_id: Some("1000002".into()),
        secret: Some(SECRET.into()),
        token: Some("RustBotToken2024".into()),
        encoding_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()),
        robot_webhook: Some(ROBOT_KEY.into()),
        kf_open_kfid: Some("wk1".into()),
        api_base: base,
    };
    (fake, cfg)
}

/// An EventSink that records what it is given.
#[derive(Default)]
pub struct Sink {
    pub events: Mutex<Vec<Inbound>>,
    pub delay: Mutex<Option<Duration>>,
}

impl Sink {
    pub fn events(&self) -> Vec<Inbound> {
        lock(&self.events).clone()
    }

    /// Waits (bounded) until at least `n` events arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Inbound> {
        for _ in 0..200 {
            if lock(&self.events).len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.events()
    }
}

impl EventSink for Sink {
    fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>> {
        Box::pin(async move {
            let delay = *lock(&self.delay);
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            lock(&self.events).push(ev);
            Ok(Handled::default())
        })
    }
}

#[derive(Default)]
pub struct MemKv(pub Mutex<HashMap<String, String>>);

impl MemKv {
    pub fn get(&self, key: &str) -> Option<String> {
        lock(&self.0).get(key).cloned()
    }
}

impl Kv for MemKv {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move { Ok(lock(&self.0).get(key).cloned()) })
    }
    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            lock(&self.0).insert(key.to_string(), value.to_string());
            Ok(())
        })
    }
}

#[tokio::test]
async fn the_fake_refuses_api_calls_without_a_valid_token() {
    let (_fake, cfg) = start().await;
    let url = format!("{}/cgi-bin/message/send?access_token=nope", cfg.api_base);
    let v: Value = tokio::time::timeout(Duration::from_secs(10), async {
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
