//! The outbox dispatcher's Telegram lane: a fitted message → sendMessage (HTML, inline
//! keyboard, reply parameters), the calendar invite → sendDocument, an approval's invite
//! → a one-person invite link (createChatInviteLink, member_limit 1) in the text.
//!
//! Whatever can fail transiently before the text goes out (stored button commands, the
//! invite link) is done first, so a retry does not repeat what the user has seen. When
//! only the document failed, the text's id is remembered and the retry sends the rest.

use super::api::{is_parse_error, is_transient, ApiError};
use super::inbound::{message_key, parse_message_key};
use super::render;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teloxide::payloads::{CreateChatInviteLinkSetters, SendMessageSetters};
use teloxide::requests::Requester;
use teloxide::types::{ChatId, InputFile, Message, ParseMode, ReplyParameters};
use teloxide::{Bot, RequestError};
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::message::{Invite, Recipient};
use yunqi_bot::ports::{Delivery, Kv, Outbound};
use yunqi_bot::Platform;

/// Texts whose document is still to be sent, remembered at most this many.
const PARTIAL_MAX: usize = 1024;

pub struct TelegramOutbound {
    bot: Bot,
    kv: Arc<dyn Kv>,
    /// Gaps per private chat and per group (Telegram: 1/s and 20/min), kept by the lane.
    gaps: (Duration, Duration),
    /// digest of a fitted message → the id of its text, sent while its document was not.
    partial: Mutex<HashMap<[u8; 32], String>>,
}

/// The line an approval gets with its invite link.
pub fn invite_line(link: &str) -> String {
    PlatformMsg::InviteLink(link).bilingual()
}

fn retry_later(error: impl Into<String>) -> Delivery {
    Delivery::Retry {
        after: None,
        error: error.into(),
        scope: yunqi_bot::ports::RetryScope::Platform,
    }
}

impl TelegramOutbound {
    pub fn new(bot: Bot, kv: Arc<dyn Kv>) -> TelegramOutbound {
        TelegramOutbound {
            bot,
            kv,
            gaps: (Duration::from_secs(1), Duration::from_secs(3)),
            partial: Mutex::new(HashMap::new()),
        }
    }

    /// Overrides the per-chat pacing (tests): gaps for private chats and for groups.
    pub fn with_pacing(mut self, private: Duration, group: Duration) -> TelegramOutbound {
        self.gaps = (private, group);
        self
    }

    pub async fn send(&self, f: &Fitted) -> Delivery {
        if f.to.user.platform != Platform::Telegram {
            return Delivery::Failed {
                error: format!("not a Telegram user: {}", f.to.user),
            };
        }
        let target = f.to.conversation.as_deref().unwrap_or(&f.to.user.id);
        let Ok(chat) = target.trim().parse::<i64>().map(ChatId) else {
            return Delivery::Failed {
                error: format!("not a Telegram chat id: {target}"),
            };
        };
        if let Err(d) = render::PAYLOADS.store(self.kv.as_ref(), &f.buttons).await {
            return d;
        }
        let mut text = f.text.clone();
        if let Some(invite) = &f.invite {
            match self.invite_link(invite).await {
                Ok(Some(link)) => {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&invite_line(&link));
                }
                Ok(None) => {}
                Err(d) => return d,
            }
        }
        let key = digest(chat, &text, f);
        let known = self
            .partial
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let id = match known {
            Some(id) => id,
            None => match self.send_text(chat, &text, f).await {
                Ok(m) => message_key(m.chat.id, m.id),
                Err(e) => return ApiError(e).into(),
            },
        };
        if let Some(a) = &f.attachment {
            // A base64 image (a ticket's QR code) goes as a photo (sendPhoto, ≤ 10 MB,
            // telegram.md); anything else as a document. Undecodable bytes send nothing.
            let bytes = a.bytes().unwrap_or_default();
            let file = InputFile::memory(bytes).file_name(a.filename.clone());
            let sent = if a.is_image() {
                self.bot.send_photo(chat, file).await.map(|_| ())
            } else {
                self.bot.send_document(chat, file).await.map(|_| ())
            };
            match sent {
                Ok(_) => {}
                Err(e) if is_transient(&e) => {
                    let mut p = self.partial.lock().unwrap_or_else(|e| e.into_inner());
                    if p.len() >= PARTIAL_MAX {
                        p.clear();
                    }
                    p.insert(key, id);
                    return ApiError(e).into();
                }
                Err(e) => {
                    tracing::warn!(error = %e, file = %a.filename, "telegram document not sent");
                }
            }
        }
        self.partial
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        Delivery::Sent {
            message_id: Some(id),
        }
    }

    /// The registration's one-person link to the salon's chat, made once and remembered.
    /// `Ok(None)`: no group, or it cannot be made (logged; the approval goes out anyway).
    async fn invite_link(&self, invite: &Invite) -> Result<Option<String>, Delivery> {
        let Some(group) = invite.group.as_deref().map(str::trim) else {
            return Ok(None);
        };
        let Ok(chat) = group.parse::<i64>().map(ChatId) else {
            tracing::warn!(group, "telegram_chat_id is not a chat id; no invite link");
            return Ok(None);
        };
        let kv_key = format!("telegram:invite:{}", invite.registration);
        match self.kv.kv_get(&kv_key).await {
            Ok(Some(link)) => return Ok(Some(link)),
            Ok(None) => {}
            Err(e) => return Err(retry_later(format!("reading an invite link: {e}"))),
        }
        let made = self
            .bot
            .create_chat_invite_link(chat)
            .member_limit(1)
            .name(format!("salon {} · #{}", invite.salon, invite.registration))
            .await;
        match made {
            Ok(l) => {
                self.kv
                    .kv_put(&kv_key, &l.invite_link)
                    .await
                    .map_err(|e| retry_later(format!("keeping an invite link: {e}")))?;
                Ok(Some(l.invite_link))
            }
            Err(e) if is_transient(&e) => Err(ApiError(e).into()),
            Err(e) => {
                tracing::warn!(error = %e, group, "telegram invite link not made; the approval goes without it");
                Ok(None)
            }
        }
    }

    async fn send_text(
        &self,
        chat: ChatId,
        text: &str,
        f: &Fitted,
    ) -> Result<Message, RequestError> {
        let reply = f
            .thread
            .as_deref()
            .and_then(parse_message_key)
            .filter(|(c, _)| *c == chat)
            .map(|(_, id)| ReplyParameters::new(id).allow_sending_without_reply());
        let build = |chat: ChatId, html: bool| {
            let body = if html {
                render::html(text)
            } else {
                text.to_string()
            };
            let mut req = self.bot.send_message(chat, body);
            if html {
                req = req.parse_mode(ParseMode::Html);
            }
            if let Some(kb) = render::keyboard(&f.buttons) {
                req = req.reply_markup(kb);
            }
            if let Some(r) = &reply {
                req = req.reply_parameters(r.clone());
            }
            req
        };
        match build(chat, true).await {
            Err(e) if is_parse_error(&e) => {
                tracing::warn!(error = %e, "telegram could not parse the HTML; sending plain text");
                build(chat, false).await
            }
            Err(RequestError::MigrateToChatId(to)) => {
                tracing::warn!(
                    from = chat.0,
                    to = to.0,
                    "telegram group became a supergroup"
                );
                build(to, true).await
            }
            r => r,
        }
    }
}

fn digest(chat: ChatId, text: &str, f: &Fitted) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(chat.0.to_le_bytes());
    h.update(text.as_bytes());
    h.update([0]);
    if let Some(a) = &f.attachment {
        h.update(a.filename.as_bytes());
        h.update([0]);
        h.update(a.content.as_bytes());
    }
    h.finalize().into()
}

impl Outbound for TelegramOutbound {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn capabilities(&self) -> Capabilities {
        render::capabilities()
    }

    /// About 30 messages a second overall (§A6); per chat `recipient_gap` is stricter.
    fn rate_per_second(&self) -> f64 {
        30.0
    }

    /// One message a second per private chat, 20 a minute per group (docs/platforms/
    /// telegram.md §A6). Group and channel ids are negative.
    fn recipient_gap(&self, to: &Recipient) -> Duration {
        let chat = to.conversation.as_deref().unwrap_or(&to.user.id);
        match chat.trim().parse::<i64>() {
            Ok(id) if id < 0 => self.gaps.1,
            _ => self.gaps.0,
        }
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send(msg))
    }
}
