//! A fake WeCom on 127.0.0.1, for the adapter's own tests and the end-to-end tests: a
//! small world model (tokens, app messages, card updates, 微信客服 with its 48 h /
//! 5-replies rule and session takeover, temporary media, customer groups with join ways,
//! the group robot) and injected errors and hangs.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub const CORP: &str = "ww0123456789abcdef";
pub const SECRET: &str = "app-secret";
pub const TOKEN: &str = "RustBotToken2024";
pub const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
pub const KFID: &str = "wk1";
pub const GROUP: &str = "wrGroup1";
pub const ORGANIZER: &str = "orgid";
pub const AGENT_ID: &str = "1000002";
pub const ROBOT_KEY: &str = "robot-key-1";
/// A fake PNG: the signature and a few bytes.
pub const QR_PNG: &[u8] = b"\x89PNG\r\n\x1a\nfake-qr-code";

/// One scripted answer for the next call to a path.
pub enum Inject {
    Json(Value),
    /// Answer late (the client's timeout should fire first).
    Sleep(Duration),
    /// Expire the token in use, so this call gets 42001.
    ExpireToken,
}

#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    pub query: HashMap<String, String>,
    pub token: Option<String>,
    pub body: Value,
    /// The raw body as text (multipart uploads).
    pub raw: String,
    pub at: Instant,
}

#[derive(Debug, Clone, Default)]
struct KfUser {
    last_user_msg: i64,
    remaining: u32,
    human: bool,
}

#[derive(Default)]
struct World {
    valid: Option<String>,
    expired: Vec<String>,
    calls: Vec<Call>,
    inject: HashMap<String, VecDeque<Inject>>,
    kf_log: Vec<Value>,
    kf_users: HashMap<String, KfUser>,
    /// (external_userid, message) actually delivered by kf/send_msg.
    kf_delivered: Vec<(String, Value)>,
    /// (userid, message) delivered by message/send.
    app_delivered: Vec<(String, Value)>,
    join_ways: BTreeMap<String, Value>,
    groups: HashMap<String, Vec<Value>>,
    /// media_id → (type, filename)
    media: BTreeMap<String, (String, String)>,
    seq: u64,
    /// The QR image host answers 404.
    qr_broken: bool,
}

pub struct Fake {
    pub base: String,
    gettokens: AtomicUsize,
    world: Mutex<World>,
    /// Scripted kf pages by request cursor ("" = no cursor); when any is set,
    /// `kf/sync_msg` answers from these instead of the world's log.
    pub kf_pages: Mutex<HashMap<String, Value>>,
}

fn err(errcode: i64) -> Value {
    json!({"errcode": errcode, "errmsg": format!("fake error {errcode}, more info at https://open.work.weixin.qq.com/devtool/query?e={errcode}")})
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Fake {
    fn w(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn start() -> Arc<Fake> {
        let (listener, base) = crate::loopback("http").await;
        let fake = Arc::new(Fake {
            base,
            gettokens: AtomicUsize::new(0),
            world: Mutex::new(World::default()),
            kf_pages: Mutex::new(HashMap::new()),
        });
        let app = Router::new()
            .route("/cgi-bin/gettoken", get(gettoken))
            .route("/cgi-bin/{*path}", post(api))
            .route("/qr/{name}", get(qr_image))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    pub fn gettokens(&self) -> usize {
        self.gettokens.load(Ordering::SeqCst)
    }

    pub fn inject(&self, path: &str, i: Inject) {
        self.w()
            .inject
            .entry(path.to_string())
            .or_default()
            .push_back(i);
    }

    pub fn calls(&self, path: &str) -> Vec<Call> {
        self.w()
            .calls
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }

    /// What `message/send` delivered to one member, in order.
    pub fn app_messages(&self, user: &str) -> Vec<Value> {
        self.w()
            .app_delivered
            .iter()
            .filter(|(u, _)| u == user)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// What 微信客服 delivered to one WeChat user, in order.
    pub fn kf_messages(&self, user: &str) -> Vec<Value> {
        self.w()
            .kf_delivered
            .iter()
            .filter(|(u, _)| u == user)
            .map(|(_, m)| m.clone())
            .collect()
    }

    pub fn media(&self, media_id: &str) -> Option<(String, String)> {
        self.w().media.get(media_id).cloned()
    }

    pub fn join_way(&self, config_id: &str) -> Option<Value> {
        self.w().join_ways.get(config_id).cloned()
    }

    /// From now on the join-QR image cannot be fetched.
    pub fn break_qr_images(&self) {
        self.w().qr_broken = true;
    }

    pub fn join_way_ids(&self) -> Vec<String> {
        self.w().join_ways.keys().cloned().collect()
    }

    fn next(&self) -> u64 {
        let mut w = self.w();
        w.seq += 1;
        w.seq
    }

    /// A WeChat user writes to the kf account (a pulled origin-3 text); the window opens.
    pub fn kf_user_says(&self, user: &str, text: &str) -> String {
        let id = format!("from_msgid_{}", self.next());
        let t = now();
        let mut w = self.w();
        w.kf_log.push(json!({"msgid": id, "open_kfid": KFID, "external_userid": user, "send_time": t, "origin": 3, "msgtype": "text", "text": {"content": text}}));
        let u = w.kf_users.entry(user.to_string()).or_default();
        u.last_user_msg = t;
        u.remaining = 5;
        id
    }

    /// The user opens the kf chat: an `enter_session` event with a welcome code.
    pub fn kf_user_enters(&self, user: &str, code: &str) {
        let id = format!("ev_{}", self.next());
        self.w().kf_log.push(json!({"msgid": id, "send_time": now(), "origin": 4, "msgtype": "event", "event": {
            "event_type": "enter_session", "open_kfid": KFID, "external_userid": user, "scene": "salon", "scene_param": "ev=1", "welcome_code": code}}));
    }

    /// A receptionist takes the session from the pool: the bot may no longer send (95018).
    pub fn kf_human_takes_over(&self, user: &str) {
        let id = format!("ev_{}", self.next());
        let mut w = self.w();
        w.kf_log.push(json!({"msgid": id, "send_time": now(), "origin": 4, "msgtype": "event", "event": {
            "event_type": "session_status_change", "open_kfid": KFID, "external_userid": user, "change_type": 1, "new_servicer_userid": "servicer1", "msg_code": "MSGCODE"}}));
        w.kf_users.entry(user.to_string()).or_default().human = true;
    }

    /// A user scans a join-way QR: they join its group carrying the way's `state`.
    pub fn scan_join_qr(&self, config_id: &str, user: &str) -> String {
        let mut w = self.w();
        let way = w
            .join_ways
            .get(config_id)
            .cloned()
            .expect("join way exists");
        let chat = way["chat_id_list"][0].as_str().unwrap().to_string();
        w.groups.entry(chat.clone()).or_default().push(json!({"userid": user, "type": 2, "join_time": now(), "join_scene": 3, "state": way["state"]}));
        chat
    }

    fn token_error(w: &World, token: Option<&String>) -> Option<i64> {
        let Some(t) = token else { return Some(41001) };
        if w.valid.as_ref() == Some(t) {
            None
        } else if w.expired.contains(t) {
            Some(42001)
        } else {
            Some(40014)
        }
    }

    fn answer(&self, path: &str, q: &HashMap<String, String>, body: &Value, raw: &[u8]) -> Value {
        let n = self.next();
        let mut w = self.w();
        match path {
            "message/send" => {
                if body["agentid"] != 1000002 {
                    return err(40056);
                }
                let touser = body["touser"].as_str().unwrap_or_default().to_string();
                let mut msg = body.clone();
                if let Some(o) = msg.as_object_mut() {
                    o.remove("touser");
                    o.remove("agentid");
                }
                // members named Ghost… do not exist
                let (ghosts, real): (Vec<&str>, Vec<&str>) = touser
                    .split('|')
                    .filter(|u| !u.is_empty())
                    .partition(|u| u.starts_with("Ghost"));
                if !ghosts.is_empty() && real.is_empty() {
                    return err(81013);
                }
                for u in real {
                    w.app_delivered.push((u.to_string(), msg.clone()));
                }
                let invalid: Vec<String> = ghosts.iter().map(|u| u.to_lowercase()).collect();
                let rc = if body["msgtype"] == "template_card" {
                    json!(format!("rc-{n}"))
                } else {
                    Value::Null
                };
                json!({"errcode": 0, "errmsg": "ok", "invaliduser": invalid.join("|"), "msgid": format!("m{n}"), "response_code": rc})
            }
            "message/update_template_card" => {
                json!({"errcode": 0, "errmsg": "ok", "invaliduser": []})
            }
            "kf/sync_msg" => {
                let cursor = body["cursor"].as_str().unwrap_or_default();
                let pages = crate::lock(&self.kf_pages);
                if !pages.is_empty() {
                    return pages.get(cursor).cloned().unwrap_or_else(|| json!({"errcode": 0, "errmsg": "ok", "next_cursor": cursor, "has_more": 0, "msg_list": []}));
                }
                let from: usize = body["cursor"]
                    .as_str()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                let list: Vec<Value> = w.kf_log.iter().skip(from).cloned().collect();
                json!({"errcode": 0, "errmsg": "ok", "next_cursor": w.kf_log.len().to_string(), "has_more": 0, "msg_list": list})
            }
            "kf/send_msg" => {
                if body["open_kfid"] != KFID {
                    return err(95000);
                }
                let to = body["touser"].as_str().unwrap_or_default().to_string();
                if body["msgtype"] == "msgmenu"
                    && body["msgmenu"]["list"].as_array().map_or(0, Vec::len) > 10
                {
                    return err(95008);
                }
                // a user the world has not seen write is accepted (WeCom judges it)
                if let Some(u) = w.kf_users.get_mut(&to) {
                    if u.human {
                        return err(95018);
                    }
                    if now() - u.last_user_msg > 48 * 3600 {
                        return err(95002);
                    }
                    if u.remaining == 0 {
                        return err(95001);
                    }
                    u.remaining -= 1;
                }
                let id = body["msgid"].as_str().map_or(format!("k{n}"), String::from);
                let mut msg = body.clone();
                if let Some(o) = msg.as_object_mut() {
                    o.remove("touser");
                    o.remove("open_kfid");
                }
                w.kf_delivered.push((to, msg));
                json!({"errcode": 0, "errmsg": "ok", "msgid": id})
            }
            "kf/send_msg_on_event" => {
                let id = body["msgid"].as_str().map_or(format!("w{n}"), String::from);
                json!({"errcode": 0, "errmsg": "ok", "msgid": id})
            }
            "media/upload" => {
                let kind = q.get("type").cloned().unwrap_or_default();
                let text = String::from_utf8_lossy(raw);
                let Some(name) = text
                    .split("filename=\"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                else {
                    return err(40058);
                };
                if !text.contains("name=\"media\"") || !matches!(kind.as_str(), "image" | "file") {
                    return err(40058);
                }
                let id = format!("media{n}");
                w.media.insert(id.clone(), (kind.clone(), name.to_string()));
                json!({"errcode": 0, "errmsg": "", "type": kind, "media_id": id, "created_at": now().to_string()})
            }
            "externalcontact/groupchat/add_join_way" => {
                let chats = body["chat_id_list"].as_array().map_or(0, Vec::len);
                let state_len = body["state"].as_str().map_or(0, |s| s.chars().count());
                if body["scene"] != 2 || chats == 0 || chats > 5 || state_len > 30 {
                    return err(40058);
                }
                let id = format!("cfg{n}");
                let mut way = body.clone();
                way["config_id"] = json!(id);
                w.join_ways.insert(id.clone(), way);
                json!({"errcode": 0, "errmsg": "ok", "config_id": id})
            }
            "externalcontact/groupchat/get_join_way" => {
                let id = body["config_id"].as_str().unwrap_or_default();
                match w.join_ways.get(id) {
                    Some(way) => {
                        let mut way = way.clone();
                        way["qr_code"] = json!(format!("{}/qr/{id}.png", self.base));
                        json!({"errcode": 0, "errmsg": "ok", "join_way": way})
                    }
                    None => err(40058),
                }
            }
            "externalcontact/groupchat/del_join_way" => {
                let id = body["config_id"].as_str().unwrap_or_default();
                match w.join_ways.remove(id) {
                    Some(_) => json!({"errcode": 0, "errmsg": "ok"}),
                    None => err(40058),
                }
            }
            "externalcontact/groupchat/get" => {
                let chat = body["chat_id"].as_str().unwrap_or_default();
                let mut members = vec![
                    json!({"userid": ORGANIZER, "type": 1, "join_time": 1700000000, "join_scene": 1}),
                ];
                members.extend(w.groups.get(chat).cloned().unwrap_or_default());
                json!({"errcode": 0, "errmsg": "ok", "group_chat": {"chat_id": chat, "name": "云栖沙龙1", "owner": ORGANIZER, "member_version": format!("v{n}"), "member_list": members}})
            }
            _ => json!({"errcode": 0, "errmsg": "ok"}),
        }
    }
}

async fn gettoken(
    State(f): State<Arc<Fake>>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let n = f.gettokens.fetch_add(1, Ordering::SeqCst) + 1;
    // slow enough that concurrent callers overlap
    tokio::time::sleep(Duration::from_millis(50)).await;
    if q.get("corpid").map(String::as_str) != Some(CORP)
        || q.get("corpsecret").map(String::as_str) != Some(SECRET)
    {
        return Json(err(40001));
    }
    let token = format!("tok{n}");
    f.w().valid = Some(token.clone());
    Json(json!({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}))
}

async fn qr_image(State(f): State<Arc<Fake>>, Path(_name): Path<String>) -> Response {
    if f.w().qr_broken {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    ([(axum::http::header::CONTENT_TYPE, "image/png")], QR_PNG).into_response()
}

async fn api(
    State(f): State<Arc<Fake>>,
    Path(path): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    raw: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    let token = q.get("access_token").cloned();
    let scripted = {
        let mut w = f.w();
        w.calls.push(Call {
            path: path.clone(),
            query: q.clone(),
            token: token.clone(),
            body: body.clone(),
            raw: String::from_utf8_lossy(&raw).into_owned(),
            at: Instant::now(),
        });
        w.inject.get_mut(&path).and_then(VecDeque::pop_front)
    };
    match scripted {
        Some(Inject::Json(v)) => return Json(v).into_response(),
        Some(Inject::Sleep(d)) => tokio::time::sleep(d).await,
        Some(Inject::ExpireToken) => {
            let mut w = f.w();
            if let Some(t) = w.valid.take() {
                w.expired.push(t);
            }
        }
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
    if let Some(code) = Fake::token_error(&f.w(), token.as_ref()) {
        return Json(err(code)).into_response();
    }
    Json(f.answer(&path, &q, &body, &raw)).into_response()
}
