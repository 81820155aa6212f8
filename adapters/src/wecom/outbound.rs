//! The sending side: `AppOutbound` (members, `Platform::Wecom`, via `message/send`; the
//! group robot for the `robot` conversation) and `KfOutbound` (public WeChat users,
//! `Platform::Wechat`, via `kf/send_msg`, inside the 48 h / 5-replies window).
//!
//! Beside the text, one delivery may carry the calendar invite (uploaded as a file) and,
//! for an approval of a salon with a customer group, the registrant's join QR (an image).
//! Everything that can fail transiently is prepared before the first message goes out,
//! so a retry does not repeat what the user has already seen.

use super::api::{WecomApi, MAX_TOUSER};
use super::api_media::MediaKind;
use super::error::ApiError;
use super::invite::Invites;
use super::kf_session::KfSessions;
use super::limit::SendLimiter;
use super::notify::{excerpt, Notifier};
use super::render::{
    app_capabilities, kf_capabilities, new_task_id, render_app, render_kf, render_robot,
    text_message,
};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Delivery, Outbound};

/// A WeCom recipient whose conversation is this goes to the group robot webhook.
pub const ROBOT_CONVERSATION: &str = "robot";

fn wrong_platform(f: &Fitted, want: Platform) -> Option<Delivery> {
    (f.to.user.platform != want).then(|| Delivery::Failed {
        error: format!("{} is not a {want} recipient", f.to.user),
    })
}

fn limited(wait: std::time::Duration, what: &str) -> Delivery {
    Delivery::Retry {
        after: Some(wait),
        error: format!("{what} send limit reached; waiting"),
        // our own per-member / per-robot window: other chats may go on
        scope: yunqi_bot::ports::RetryScope::Chat,
    }
}

/// How many messages `extras` adds: one for an attachment, one for a group invitation.
fn extras_count(f: &Fitted, invites: bool) -> usize {
    let group = invites && f.invite.as_ref().is_some_and(|i| i.group.is_some());
    usize::from(f.attachment.is_some()) + usize::from(group)
}

/// The file and QR messages that follow the text; `Err` when a transient failure should
/// make the whole delivery wait. What failed for good becomes a short note instead.
async fn extras(
    api: &WecomApi,
    invites: Option<&Invites>,
    notify: Option<&Notifier>,
    f: &Fitted,
) -> Result<Vec<Value>, Delivery> {
    let mut out = Vec::new();
    if let Some(a) = &f.attachment {
        // An image is shown as a picture (msgtype image), anything else as a file.
        let (kind, note) = if a.is_image() {
            (MediaKind::Image, PlatformMsg::ImageNotSent)
        } else {
            (MediaKind::File, PlatformMsg::CalendarNotSent)
        };
        let uploaded = match a.bytes() {
            Some(bytes) => api.upload_media(kind, &a.filename, &a.mime, &bytes).await,
            None => Err(ApiError::Config("attachment: not base64")),
        };
        match uploaded {
            Ok(id) => out.push(kind.message(&id)),
            Err(e) => match Delivery::from(&e) {
                d @ Delivery::Retry { .. } => return Err(d),
                _ => {
                    tracing::warn!(error = %e, file = %a.filename, "attachment not uploaded");
                    out.push(text_message(&note.bilingual()));
                }
            },
        }
    }
    let group = f
        .invite
        .as_ref()
        .and_then(|i| i.group.as_deref().map(|g| (i, g)));
    if let (Some((invite, chat_id)), Some(invites)) = (group, invites) {
        match invites.qr_message(invite, chat_id, &f.to.user).await {
            Ok(m) => out.push(m),
            Err(e) => match Delivery::from(&e) {
                d @ Delivery::Retry { .. } => return Err(d),
                _ => {
                    tracing::warn!(error = %e, registration = %invite.registration, "join QR not made");
                    out.push(text_message(&PlatformMsg::QrFailed.bilingual()));
                    if let Some(n) = notify {
                        let (user, error) = (f.to.user.to_string(), e.to_string());
                        let msg = PlatformMsg::QrNotMade {
                            user: &user,
                            chat: chat_id,
                            error: &error,
                        };
                        n.tell(&msg.bilingual()).await;
                    }
                }
            },
        }
    }
    Ok(out)
}

pub struct AppOutbound {
    api: Arc<WecomApi>,
    members: SendLimiter,
    robot: SendLimiter,
    invites: Option<Arc<Invites>>,
    notify: Option<Arc<Notifier>>,
}

impl AppOutbound {
    pub fn new(api: Arc<WecomApi>) -> AppOutbound {
        AppOutbound {
            api,
            members: SendLimiter::app_member(),
            robot: SendLimiter::robot(),
            invites: None,
            notify: None,
        }
    }

    /// Carry out group invitations (join-way QR codes).
    pub fn with_invites(mut self, invites: Arc<Invites>) -> AppOutbound {
        self.invites = Some(invites);
        self
    }

    pub fn with_notifier(mut self, notify: Option<Arc<Notifier>>) -> AppOutbound {
        self.notify = notify;
        self
    }

    async fn to_robot(&self, f: &Fitted) -> Delivery {
        let messages = render_robot(f);
        if let Err(wait) = self
            .robot
            .take(ROBOT_CONVERSATION, messages.len(), Instant::now())
        {
            return limited(wait, "group robot");
        }
        for m in &messages {
            if let Err(e) = self.api.robot_send(m).await {
                return Delivery::from(&e);
            }
        }
        Delivery::Sent { message_id: None }
    }

    async fn to_member(&self, f: &Fitted) -> Delivery {
        let user = f.to.user.id.clone();
        let mut messages = render_app(f, &new_task_id());
        let need = messages.len() + extras_count(f, self.invites.is_some());
        // before anything is uploaded: over the cap WeCom would drop messages silently
        if let Err(wait) = self.members.take(&user, need, Instant::now()) {
            return limited(wait, "per-member");
        }
        match extras(
            &self.api,
            self.invites.as_deref(),
            self.notify.as_deref(),
            f,
        )
        .await
        {
            Ok(more) => messages.extend(more),
            Err(d) => return d,
        }
        if messages.len() > 1 {
            // a retry after a later part failed must not show the earlier parts twice
            for m in messages.iter_mut().filter(|m| m["msgtype"] == "text") {
                m["enable_duplicate_check"] = json!(1);
                m["duplicate_check_interval"] = json!(600);
            }
        }
        let mut last = None;
        for m in &messages {
            match self.api.send_app(std::slice::from_ref(&user), m).await {
                Ok(r) if r.refused(&user) => {
                    return Delivery::Failed {
                        error: format!(
                            "invalid user {user}: outside the app's visible range or unlicensed"
                        ),
                    };
                }
                Ok(r) => last = r.msgid.or(last),
                Err(e) => return Delivery::from(&e),
            }
        }
        Delivery::Sent { message_id: last }
    }
}

impl Outbound for AppOutbound {
    fn platform(&self) -> Platform {
        Platform::Wecom
    }

    fn capabilities(&self) -> Capabilities {
        app_capabilities()
    }

    /// App messages are outside the per-API caps; the per-member cap is kept per member.
    fn rate_per_second(&self) -> f64 {
        20.0
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if let Some(d) = wrong_platform(msg, Platform::Wecom) {
                return d;
            }
            match msg.to.conversation.as_deref() {
                Some(ROBOT_CONVERSATION) if self.api.has_robot() => self.to_robot(msg).await,
                // WeCom app messages are 1:1: anything else goes to the member directly
                _ => self.to_member(msg).await,
            }
        })
    }

    /// `message/send` takes up to 1000 members in `touser`.
    fn max_batch(&self) -> usize {
        MAX_TOUSER
    }

    fn deliver_batch<'a>(&'a self, msgs: &'a [Fitted]) -> BoxFuture<'a, Vec<Delivery>> {
        Box::pin(async move {
            let plain = |m: &Fitted| {
                m.to.user.platform == Platform::Wecom
                    && m.to.conversation.is_none()
                    && m.attachment.is_none()
                    && m.invite.is_none()
            };
            let rendered = msgs
                .first()
                .map(|f| render_app(f, &new_task_id()))
                .unwrap_or_default();
            if !msgs.iter().all(plain) || rendered.len() != 1 || msgs.len() > MAX_TOUSER {
                let mut out = Vec::with_capacity(msgs.len());
                for m in msgs {
                    out.push(self.deliver(m).await);
                }
                return out;
            }
            let mut out: Vec<Option<Delivery>> = vec![None; msgs.len()];
            let (mut users, mut index) = (Vec::new(), Vec::new());
            let now = Instant::now();
            for (i, m) in msgs.iter().enumerate() {
                match self.members.take(&m.to.user.id, 1, now) {
                    Err(wait) => out[i] = Some(limited(wait, "per-member")),
                    Ok(()) => {
                        users.push(m.to.user.id.clone());
                        index.push(i);
                    }
                }
            }
            if !users.is_empty() {
                match self.api.send_app(&users, &rendered[0]).await {
                    Ok(r) => {
                        for (k, i) in index.into_iter().enumerate() {
                            out[i] = Some(if r.refused(&users[k]) {
                                Delivery::Failed { error: format!("invalid user {}: outside the app's visible range or unlicensed", users[k]) }
                            } else {
                                Delivery::Sent {
                                    message_id: r.msgid.clone(),
                                }
                            });
                        }
                    }
                    Err(e) => {
                        let d = Delivery::from(&e);
                        for i in index {
                            out[i] = Some(d.clone());
                        }
                    }
                }
            }
            out.into_iter()
                .map(|d| {
                    d.unwrap_or(Delivery::Retry {
                        after: None,
                        error: "not sent".into(),
                        scope: yunqi_bot::ports::RetryScope::Platform,
                    })
                })
                .collect()
        })
    }
}

pub struct KfOutbound {
    api: Arc<WecomApi>,
    open_kfid: String,
    sessions: Option<Arc<KfSessions>>,
    invites: Option<Arc<Invites>>,
    notify: Option<Arc<Notifier>>,
}

impl KfOutbound {
    /// Replies come from the kf account `open_kfid` (config `kf_open_kfid`).
    pub fn new(api: Arc<WecomApi>, open_kfid: Option<&str>) -> Result<KfOutbound, ApiError> {
        let open_kfid = open_kfid
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(ApiError::Config("wecom.kf_open_kfid"))?;
        Ok(KfOutbound {
            api,
            open_kfid: open_kfid.to_string(),
            sessions: None,
            invites: None,
            notify: None,
        })
    }

    /// Keep to the 48 h / 5-replies window recorded by the puller.
    pub fn with_sessions(mut self, sessions: Arc<KfSessions>) -> KfOutbound {
        self.sessions = Some(sessions);
        self
    }

    pub fn with_invites(mut self, invites: Arc<Invites>) -> KfOutbound {
        self.invites = Some(invites);
        self
    }

    /// Organizers to tell when a message can no longer reach a WeChat user.
    pub fn with_notifier(mut self, notify: Option<Arc<Notifier>>) -> KfOutbound {
        self.notify = notify;
        self
    }

    pub fn open_kfid(&self) -> &str {
        &self.open_kfid
    }

    async fn undeliverable(&self, f: &Fitted, error: String) -> Delivery {
        tracing::warn!(user = %f.to.user, %error, "kf message cannot be delivered");
        if let Some(n) = &self.notify {
            let user = f.to.user.to_string();
            let msg = PlatformMsg::Undeliverable {
                user: &user,
                error: &error,
                excerpt: &excerpt(&f.text, 200),
            };
            n.tell(&msg.bilingual()).await;
        }
        Delivery::Failed { error }
    }

    async fn send(&self, f: &Fitted, key: Option<&str>) -> Delivery {
        let user = f.to.user.id.as_str();
        let mut messages = render_kf(f);
        let total = messages.len() + extras_count(f, self.invites.is_some());
        let ids: Vec<Option<String>> = (0..total)
            .map(|i| key.and_then(|k| kf_msgid(k, i)))
            .collect();
        // Messages of this part an earlier attempt delivered, and their ids.
        let mut done = Vec::new();
        if let Some(s) = &self.sessions {
            for id in ids.iter().flatten() {
                match s.part_sent(id).await {
                    Some(sent) => done.push(sent),
                    None => break,
                }
            }
        }
        let need = total - done.len();
        let now = chrono::Utc::now().timestamp();
        if let Some(s) = &self.sessions {
            if let Err(why) = s.check(&self.open_kfid, user, need as u32, now).await {
                return self.undeliverable(f, why).await;
            }
        }
        match extras(
            &self.api,
            self.invites.as_deref(),
            self.notify.as_deref(),
            f,
        )
        .await
        {
            Ok(more) => messages.extend(more),
            Err(d) => return d,
        }
        let mut last = done.iter().rev().find(|d| !d.is_empty()).cloned();
        for (i, m) in messages.iter().enumerate().skip(done.len()) {
            let msgid = ids.get(i).and_then(|i| i.as_deref());
            match self.api.kf_send_msg(user, &self.open_kfid, msgid, m).await {
                Ok(id) => {
                    if let Some(s) = &self.sessions {
                        s.spent(&self.open_kfid, user).await;
                        if let Some(msgid) = msgid {
                            s.mark_part_sent(msgid, id.as_deref().unwrap_or_default())
                                .await;
                        }
                    }
                    last = id.or(last);
                }
                Err(e) => {
                    if let (Some(s), Some(code)) = (&self.sessions, e.errcode()) {
                        s.refused(&self.open_kfid, user, code).await;
                    }
                    return match Delivery::from(&e) {
                        Delivery::Failed { error } => self.undeliverable(f, error).await,
                        d => d,
                    };
                }
            }
        }
        Delivery::Sent { message_id: last }
    }
}

impl Outbound for KfOutbound {
    fn platform(&self) -> Platform {
        Platform::Wechat
    }

    fn capabilities(&self) -> Capabilities {
        kf_capabilities()
    }

    /// No kf send rate is published; the real cap is 5 replies per user message (95001).
    fn rate_per_second(&self) -> f64 {
        10.0
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if let Some(d) = wrong_platform(msg, Platform::Wechat) {
                return d;
            }
            self.send(msg, None).await
        })
    }

    /// Each kf message of the part is sent with the msgid `<key>` (then `<key>-1`, …) and
    /// remembered once sent, so a retry after a later one failed skips the earlier ones.
    fn deliver_part<'a>(&'a self, msg: &'a Fitted, key: &'a str) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if let Some(d) = wrong_platform(msg, Platform::Wechat) {
                return d;
            }
            self.send(msg, Some(key)).await
        })
    }
}

/// The kf msgid of the `i`-th message of the part keyed `key` (≤ 32 bytes of
/// `[0-9a-zA-Z_-]`, wechat-kf.md §3); `None` for a key that cannot make one.
fn kf_msgid(key: &str, i: usize) -> Option<String> {
    let id = if i == 0 {
        key.to_string()
    } else {
        format!("{key}-{i}")
    };
    let ok = id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(id)
}
