//! Pulling 微信客服 messages (docs/platforms/wechat-kf.md §2.3–2.5, §2.8): a callback only
//! signals "account X has news"; one pull loop per account reads `kf/sync_msg` from the
//! durable cursor, answers welcomes first (their code lives 20 s), hands each customer
//! message to the core (which dedupes by msgid) and saves the cursor after that.

use super::api::WecomApi;
use super::api_kf::{KfMessage, SyncRequest, ORIGIN_CUSTOMER, SYNC_LIMIT};
use super::error::ApiError;
use super::inbound::from_kf;
use super::kf_session::{KfSessions, Session};
use super::notify::Notifier;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use thiserror::Error;
use tokio::task::JoinHandle;
use yunqi_bot::command::Command;
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ports::Kv;
use yunqi_bot::ports::{CoreError, EventSink};

/// A reply to a message older than this would fail (95002): such messages are skipped.
const REPLY_WINDOW_SECS: i64 = 48 * 3600;
/// errcode for an expired or forged `sync_msg` token: pull again without it.
const BAD_SYNC_TOKEN: i64 = 95007;

#[derive(Debug, Error)]
pub enum KfError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("kv: {0}")]
    Store(String),
    #[error("core: {0}")]
    Core(String),
}

/// The Kv key of an account's cursor.
pub fn cursor_key(open_kfid: &str) -> String {
    format!("wecom.kf.cursor.{open_kfid}")
}

/// The default welcome: a menu whose ids are commands (bilingual).
pub fn default_welcome() -> Value {
    json!({"msgtype": "msgmenu", "msgmenu": {
        "head_content": PlatformMsg::KfWelcome.bilingual(),
        "list": [
            {"type": "click", "click": {"id": Command::Salons.to_text(), "content": PlatformMsg::KfMenuSalons.bilingual()}},
            {"type": "click", "click": {"id": Command::Help.to_text(), "content": PlatformMsg::KfMenuHelp.bilingual()}}
        ]
    }})
}

#[derive(Default)]
struct Account {
    running: bool,
    pending: bool,
    token: Option<String>,
}

pub struct KfPuller {
    api: Arc<WecomApi>,
    kv: Arc<dyn Kv>,
    sink: Arc<dyn EventSink>,
    welcome: Value,
    accounts: Mutex<HashMap<String, Account>>,
    sessions: Option<Arc<KfSessions>>,
    notify: Option<Arc<Notifier>>,
}

impl KfPuller {
    pub fn new(api: Arc<WecomApi>, kv: Arc<dyn Kv>, sink: Arc<dyn EventSink>) -> KfPuller {
        KfPuller {
            api,
            kv,
            sink,
            welcome: default_welcome(),
            accounts: Mutex::new(HashMap::new()),
            sessions: None,
            notify: None,
        }
    }

    /// Record each user's reply window (48 h / 5 replies) and session state as pulled.
    pub fn with_sessions(mut self, sessions: Arc<KfSessions>) -> KfPuller {
        self.sessions = Some(sessions);
        self
    }

    /// Organizers to tell when WeCom reports a kf message as not delivered.
    pub fn with_notifier(mut self, notify: Option<Arc<Notifier>>) -> KfPuller {
        self.notify = notify;
        self
    }

    /// Replaces the welcome (a kf `text` or `msgmenu` message object).
    pub fn with_welcome(mut self, welcome: Value) -> KfPuller {
        self.welcome = welcome;
        self
    }

    /// News for `open_kfid`. Starts its pull loop unless one runs; a running loop pulls
    /// once more with the newest token, so concurrent signals coalesce. The handle of a
    /// newly started loop is returned (tests await it).
    pub fn signal(
        self: &Arc<Self>,
        open_kfid: &str,
        token: Option<String>,
    ) -> Option<JoinHandle<()>> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        let acc = accounts.entry(open_kfid.to_string()).or_default();
        acc.pending = true;
        if token.is_some() {
            acc.token = token;
        }
        if acc.running {
            return None;
        }
        acc.running = true;
        let (me, id) = (self.clone(), open_kfid.to_string());
        Some(tokio::spawn(async move { me.run(id).await }))
    }

    async fn run(&self, open_kfid: String) {
        loop {
            let token = {
                let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
                let acc = accounts.entry(open_kfid.clone()).or_default();
                if !acc.pending {
                    acc.running = false;
                    return;
                }
                acc.pending = false;
                acc.token.take()
            };
            match self.pull(&open_kfid, token.as_deref()).await {
                Ok(n) => tracing::debug!(open_kfid, events = n, "kf pull done"),
                Err(e) => {
                    tracing::warn!(open_kfid, error = %e, "kf pull failed; the next signal retries from the saved cursor")
                }
            }
        }
    }

    /// Pulls every page from the saved cursor; the number of events the core accepted.
    pub async fn pull(&self, open_kfid: &str, token: Option<&str>) -> Result<usize, KfError> {
        let key = cursor_key(open_kfid);
        let mut cursor = self
            .kv
            .kv_get(&key)
            .await
            .map_err(|e| KfError::Store(e.to_string()))?;
        let mut token = token.map(String::from);
        let mut accepted = 0;
        loop {
            let req = SyncRequest {
                cursor: cursor.clone(),
                token: token.clone(),
                limit: SYNC_LIMIT,
                open_kfid: Some(open_kfid.to_string()),
            };
            let page = match self.api.kf_sync_msg(&req).await {
                Err(e) if e.errcode() == Some(BAD_SYNC_TOKEN) && token.is_some() => {
                    token = None;
                    continue;
                }
                other => other?,
            };
            for m in &page.msg_list {
                self.welcome_if_due(m).await;
            }
            let now = chrono::Utc::now().timestamp();
            for m in &page.msg_list {
                // the window first: the core's replies are dispatched as soon as it commits;
                // undone below if the core finds the message was a repeat
                let renewed = self.track_session(open_kfid, m).await;
                if m.send_time > 0 && now - m.send_time > REPLY_WINDOW_SECS {
                    continue;
                }
                let Some(ev) = from_kf(m) else {
                    self.log_event(m).await;
                    continue;
                };
                match self.sink.submit_event(ev).await {
                    Ok(h) if h.duplicate => self.untrack(renewed).await,
                    Ok(_) => accepted += 1,
                    // the core apologised to the user; a poison message must not stall the cursor
                    Err(CoreError::Failed(e)) => {
                        tracing::warn!(msgid = %m.msgid, error = %e, "kf message failed in the core")
                    }
                    Err(e) => return Err(KfError::Core(e.to_string())),
                }
            }
            if !page.next_cursor.is_empty() && cursor.as_deref() != Some(page.next_cursor.as_str())
            {
                self.kv
                    .kv_put(&key, &page.next_cursor)
                    .await
                    .map_err(|e| KfError::Store(e.to_string()))?;
                cursor = Some(page.next_cursor.clone());
            } else if page.has_more == 1 {
                return Err(KfError::Api(ApiError::Decode(
                    "has_more without a new cursor".into(),
                )));
            }
            if page.has_more != 1 {
                return Ok(accepted);
            }
        }
    }

    async fn welcome_if_due(&self, m: &KfMessage) {
        let Some(ev) = m.event.as_ref().filter(|e| e.event_type == "enter_session") else {
            return;
        };
        let Some(code) = ev.welcome_code.as_deref().filter(|c| !c.is_empty()) else {
            return;
        };
        if let Err(e) = self
            .api
            .kf_send_msg_on_event(code, None, &self.welcome)
            .await
        {
            // a replayed page reuses a spent code: expected, not alarming
            tracing::info!(msgid = %m.msgid, error = %e, "kf welcome not sent");
        }
    }
}

/// First safety pull after start-up, and the pause between later ones.
pub const SAFETY_POLL_FIRST: std::time::Duration = std::time::Duration::from_secs(60);
pub const SAFETY_POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Pulls `open_kfid` now and then without a callback token (wechat-kf.md §2.5.6):
/// messages whose callback was lost (or arrived while the bot was down) are still
/// answered. Slow on purpose: token-less pulls have a strict, unpublished limit. Ends by
/// itself once the puller is dropped (the HTTP server that owned it stopped).
pub fn spawn_safety_poll(
    puller: &Arc<KfPuller>,
    open_kfid: String,
    first: std::time::Duration,
    every: std::time::Duration,
) -> JoinHandle<()> {
    let weak = Arc::downgrade(puller);
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        loop {
            let Some(p) = weak.upgrade() else { return };
            if let Some(run) = p.signal(&open_kfid, None) {
                drop(p);
                let _ = run.await;
            } else {
                drop(p);
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// What a `msg_send_fail` `fail_type` means (wechat-kf.md §2.4).
pub fn fail_type_reason(t: i64) -> &'static str {
    match t {
        1 => "kf account deleted",
        2 => "app closed",
        4 => "session expired (over 48 h)",
        5 => "session closed",
        6 => "over the 5-replies limit",
        7 => "Channels not bound",
        8 => "enterprise not verified",
        9 => "Channels not bound and enterprise not verified",
        10 => "the user refuses messages",
        11 => "nobody in the enterprise has logged into the WeCom mobile app",
        12 => "message type banned by a kf component",
        _ => "unknown",
    }
}

/// A session renewed by a customer message, until the core says whether it was new.
struct Renewed {
    kfid: String,
    user: String,
    before: Session,
    at: i64,
}

impl KfPuller {
    /// Keeps the reply window: a customer message renews it, a human taking over or the
    /// session ending closes it.
    async fn track_session(&self, open_kfid: &str, m: &KfMessage) -> Option<Renewed> {
        let s = self.sessions.as_ref()?;
        if m.origin == ORIGIN_CUSTOMER {
            let user = m.external_userid.as_deref().filter(|u| !u.is_empty())?;
            let kfid = m.open_kfid.as_deref().unwrap_or(open_kfid);
            let at = if m.send_time > 0 {
                m.send_time
            } else {
                chrono::Utc::now().timestamp()
            };
            let before = s.user_wrote(kfid, user, at).await;
            return Some(Renewed {
                kfid: kfid.to_string(),
                user: user.to_string(),
                before,
                at,
            });
        }
        let e = m
            .event
            .as_ref()
            .filter(|e| e.event_type == "session_status_change")?;
        if let (Some(user), Some(change)) = (e.external_userid.as_deref(), e.change_type) {
            let kfid = e.open_kfid.as_deref().unwrap_or(open_kfid);
            s.status_changed(kfid, user, change).await;
        }
        None
    }

    /// The core dropped the message as a repeat: the 5 replies it renewed were not earned.
    async fn untrack(&self, renewed: Option<Renewed>) {
        if let (Some(s), Some(r)) = (&self.sessions, renewed) {
            s.undo_wrote(&r.kfid, &r.user, r.before, r.at).await;
        }
    }

    async fn log_event(&self, m: &KfMessage) {
        match m.event.as_ref() {
            Some(e) if e.event_type == "msg_send_fail" => {
                let t = e.fail_type.unwrap_or(0);
                tracing::warn!(fail_msgid = ?e.fail_msgid, fail_type = t, "kf message was not delivered");
                if let Some(n) = &self.notify {
                    let who = e.external_userid.as_deref().unwrap_or("?");
                    let msg = PlatformMsg::KfNotDelivered {
                        who,
                        fail_type: t,
                        reason: fail_type_reason(t),
                    };
                    n.tell(&msg.bilingual()).await;
                }
            }
            Some(e) => tracing::debug!(event_type = %e.event_type, "kf event"),
            None => {
                tracing::debug!(msgtype = %m.msgtype, origin = m.origin, "kf message not for the core")
            }
        }
    }
}
