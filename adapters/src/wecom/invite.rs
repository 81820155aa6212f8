//! Customer-group invitations (docs/platforms/wechat-kf.md §4): an approved registrant of a
//! salon with `wecom_group_chat_id` gets a join-way QR of their own (`state` =
//! `r<registration id>`), and a join is confirmed by reading `groupchat/get` after a
//! `change_external_chat` callback (the callback alone is not reliable, §4.4). The join
//! way of each registration is kept in the `Kv` port, so a retried delivery reuses it.

use super::api::WecomApi;
use super::api_group::JoinWay;
use super::api_media::{MediaKind, IMAGE_MAX_BYTES};
use super::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::Mutex;
use yunqi_bot::event::{EventKind, Inbound};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ids::{Platform, RegistrationId, UserRef};
use yunqi_bot::message::Invite;
use yunqi_bot::ports::EventSink;
use yunqi_bot::ports::{Delivery, Kv};

/// The `state` that marks members who joined through a registration's QR.
pub fn state_for(reg: RegistrationId) -> String {
    format!("r{}", reg.0)
}

pub fn invite_key(state: &str) -> String {
    format!("wecom.invite.{state}")
}

/// What is kept per registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRecord {
    pub config_id: String,
    pub chat_id: String,
    /// The registrant's account (`wechat:wm…` or `wecom:zhangsan`).
    pub user: String,
    #[serde(default)]
    pub joined: bool,
}

pub struct Invites {
    api: Arc<WecomApi>,
    kv: Arc<dyn Kv>,
    // one group change at a time: a duplicated callback finds the join already recorded
    confirming: Mutex<()>,
}

fn store_err(e: impl std::fmt::Display) -> ApiError {
    // the Kv is our SQLite: treat its trouble as transient
    ApiError::Transport(format!("kv: {e}"))
}

impl Invites {
    pub fn new(api: Arc<WecomApi>, kv: Arc<dyn Kv>) -> Invites {
        Invites {
            api,
            kv,
            confirming: Mutex::new(()),
        }
    }

    pub async fn record(&self, state: &str) -> Result<Option<InviteRecord>, ApiError> {
        let raw = self
            .kv
            .kv_get(&invite_key(state))
            .await
            .map_err(store_err)?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    async fn save(&self, state: &str, r: &InviteRecord) -> Result<(), ApiError> {
        let raw = serde_json::to_string(r).map_err(|e| ApiError::Decode(e.to_string()))?;
        self.kv
            .kv_put(&invite_key(state), &raw)
            .await
            .map_err(store_err)
    }

    /// The join-way QR image URL for this invitation (the join way is made once).
    pub async fn qr_code(
        &self,
        invite: &Invite,
        chat_id: &str,
        user: &UserRef,
    ) -> Result<String, ApiError> {
        let state = state_for(invite.registration);
        let config_id = match self.record(&state).await? {
            Some(r) if r.chat_id == chat_id => r.config_id,
            _ => {
                let mut way = JoinWay::qr(vec![chat_id.to_string()], state.clone());
                way.remark = Some(format!("yunqi salon {} {state}", invite.salon));
                let config_id = self.api.add_join_way(&way).await?;
                let rec = InviteRecord {
                    config_id: config_id.clone(),
                    chat_id: chat_id.to_string(),
                    user: user.to_string(),
                    joined: false,
                };
                self.save(&state, &rec).await?;
                config_id
            }
        };
        let way = self.api.get_join_way(&config_id).await?;
        way.qr_code
            .filter(|q| !q.is_empty())
            .ok_or_else(|| ApiError::Decode("get_join_way without qr_code".into()))
    }

    /// The message that carries the QR: the image itself (uploaded as temporary media), or
    /// its URL as text when the image cannot be fetched (a CDN, not the API: no reason to
    /// hold the approval back) or is refused for good.
    pub async fn qr_message(
        &self,
        invite: &Invite,
        chat_id: &str,
        user: &UserRef,
    ) -> Result<Value, ApiError> {
        let url = self.qr_code(invite, chat_id, user).await?;
        let link = || {
            json!({"msgtype": "text", "text": {"content": format!(
                "{}\n{url}", PlatformMsg::ScanQr.bilingual())}})
        };
        let bytes = match self.api.download(&url, IMAGE_MAX_BYTES).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "join QR image not fetched; sending its link instead");
                return Ok(link());
            }
        };
        let (ext, mime) = if bytes.starts_with(&[0xff, 0xd8]) {
            ("jpg", "image/jpeg")
        } else {
            ("png", "image/png")
        };
        let name = format!("group-{}.{ext}", state_for(invite.registration));
        match self
            .api
            .upload_media(MediaKind::Image, &name, mime, &bytes)
            .await
        {
            Ok(media_id) => Ok(MediaKind::Image.message(&media_id)),
            Err(e) if matches!(Delivery::from(&e), Delivery::Retry { .. }) => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "join QR image not uploaded; sending its link instead");
                Ok(link())
            }
        }
    }

    /// A customer group changed: reads its members and reports every registrant who
    /// joined through their own QR (once), deleting that join way afterwards.
    pub async fn confirm_joins(
        &self,
        chat_id: &str,
        sink: &dyn EventSink,
    ) -> Result<usize, ApiError> {
        let _g = self.confirming.lock().await;
        let group = self.api.groupchat_get(chat_id, false).await?;
        let mut confirmed = 0;
        for m in &group.member_list {
            let Some(state) = m.state.as_deref().filter(|s| s.starts_with('r')) else {
                continue;
            };
            let Some(mut rec) = self.record(state).await? else {
                continue;
            };
            if rec.joined {
                continue;
            }
            let Some(user) = UserRef::parse_with_default(&rec.user, Platform::Wechat) else {
                continue;
            };
            let ev = Inbound {
                event_id: Some(format!("joined|{chat_id}|{state}")),
                user,
                conversation: None,
                message_id: None,
                locale_hint: None,
                kind: EventKind::Joined {
                    conversation: chat_id.to_string(),
                },
                reply_inline: false,
            };
            if let Err(e) = sink.submit_event(ev).await {
                tracing::warn!(error = %e, state, "join not recorded; the next group change retries");
                continue;
            }
            rec.joined = true;
            self.save(state, &rec).await?;
            confirmed += 1;
            // a personal QR has done its job; a forwarded copy must not let others in
            if let Err(e) = self.api.del_join_way(&rec.config_id).await {
                tracing::info!(error = %e, state, "join way not deleted");
            }
        }
        Ok(confirmed)
    }
}
