//! The outbox dispatcher's Discord lane: a fitted message → `POST /channels/{id}/messages`
//! (a DM channel opened first), buttons as components, the calendar invite as a file, a
//! thread reply in a thread started from the message (a reply reference in a DM), and an
//! approval's invite → the salon's role granted to the member.

use super::api::{code, is_transient, ApiError};
use super::render;
use super::state::DiscordState;
use futures::future::BoxFuture;
use serenity::all::{
    AutoArchiveDuration, ChannelId, CreateAllowedMentions, CreateAttachment, CreateMessage,
    CreateThread, MessageId, MessageReference, RoleId, UserId,
};
use serenity::http::Http;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::message::Recipient;
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::Platform;

/// "A thread has already been created for this message".
const THREAD_EXISTS: isize = 160004;

/// The line an approval gets once the member has the salon's role.
pub fn role_line(role: RoleId) -> String {
    PlatformMsg::RoleGranted(&format!("<@&{role}>")).bilingual()
}

pub struct DiscordOutbound {
    http: Arc<Http>,
    shared: Arc<DiscordState>,
}

impl DiscordOutbound {
    pub fn new(http: Arc<Http>, shared: Arc<DiscordState>) -> DiscordOutbound {
        DiscordOutbound { http, shared }
    }

    pub fn http(&self) -> &Arc<Http> {
        &self.http
    }

    pub async fn send(&self, f: &Fitted) -> Delivery {
        if f.to.user.platform != Platform::Discord {
            return Delivery::Failed {
                error: format!("not a Discord user: {}", f.to.user),
            };
        }
        let Ok(user) = f.to.user.id.parse::<u64>() else {
            return Delivery::Failed {
                error: format!("not a Discord user id: {}", f.to.user.id),
            };
        };
        if let Err(d) = render::PAYLOADS
            .store(self.shared.kv.as_ref(), &f.buttons)
            .await
        {
            return d;
        }
        let mut text = f.text.clone();
        match grant_role(&self.http, &self.shared, f).await {
            Ok(Some(role)) => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&role_line(role));
            }
            Ok(None) => {}
            Err(d) => return d,
        }
        let shared_channel =
            f.to.conversation
                .as_deref()
                .and_then(|c| c.trim().parse::<u64>().ok());
        let channel = match shared_channel {
            Some(c) => ChannelId::new(c),
            None if f.to.conversation.is_some() => {
                return Delivery::Failed {
                    error: format!("not a Discord channel id: {:?}", f.to.conversation),
                }
            }
            None => match self.dm(user).await {
                Ok(c) => c,
                Err(d) => return d,
            },
        };
        let mut msg = message(f, &text);
        let mut target = channel;
        if let Some(parent) = f
            .thread
            .as_deref()
            .and_then(|t| t.trim().parse::<u64>().ok())
        {
            if parent == channel.get() {
                // Already in the thread.
            } else if shared_channel.is_some() {
                match self.thread(channel, MessageId::new(parent), &text).await {
                    Ok(t) => target = t,
                    Err(d) => return d,
                }
            } else {
                msg = msg.reference_message(
                    MessageReference::from((channel, MessageId::new(parent)))
                        .fail_if_not_exists(false),
                );
            }
        }
        match target.send_message(&self.http, msg).await {
            Ok(m) => Delivery::Sent {
                message_id: Some(m.id.get().to_string()),
            },
            Err(e) => ApiError(e).into(),
        }
    }

    /// The DM channel with a user, opened once and remembered.
    async fn dm(&self, user: u64) -> Result<ChannelId, Delivery> {
        if let Some(c) = self.shared.dm_channel(user) {
            return Ok(ChannelId::new(c));
        }
        match UserId::new(user).create_dm_channel(&self.http).await {
            Ok(c) => {
                self.shared.set_dm_channel(user, c.id.get());
                Ok(c.id)
            }
            Err(e) => Err(ApiError(e).into()),
        }
    }

    /// The thread started from `parent` (its id is the message's): made if needed.
    async fn thread(
        &self,
        channel: ChannelId,
        parent: MessageId,
        text: &str,
    ) -> Result<ChannelId, Delivery> {
        let name: String = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("yunqi")
            .chars()
            .take(90)
            .collect();
        let made = channel
            .create_thread_from_message(
                &self.http,
                parent,
                CreateThread::new(name).auto_archive_duration(AutoArchiveDuration::OneDay),
            )
            .await;
        match made {
            Ok(t) => Ok(t.id),
            Err(e) if code(&e) == Some(THREAD_EXISTS) => Ok(ChannelId::new(parent.get())),
            Err(e) if is_transient(&e) => Err(ApiError(e).into()),
            Err(e) => {
                // No permission to make threads: the answer goes to the channel.
                tracing::warn!(error = %e, "discord thread not created; posting in the channel");
                Ok(channel)
            }
        }
    }
}

/// The message for a fitted part: escaped content, buttons, the attachment, no pings.
pub(crate) fn message(f: &Fitted, text: &str) -> CreateMessage {
    let mut m = CreateMessage::new()
        .content(render::content(text))
        .allowed_mentions(CreateAllowedMentions::new());
    let rows = render::rows(&f.buttons);
    if !rows.is_empty() {
        m = m.components(rows);
    }
    // An image (a `.png` ticket QR code) is shown inline by Discord; bytes decoded.
    if let Some(a) = &f.attachment {
        let bytes = a.bytes().unwrap_or_default();
        m = m.add_file(CreateAttachment::bytes(bytes, a.filename.clone()));
    }
    m
}

/// Grants the salon's role for an approval. `Ok(None)`: no role, or it cannot be granted
/// (logged; the approval goes out anyway). Granting twice is harmless.
pub(crate) async fn grant_role(
    http: &Http,
    shared: &DiscordState,
    f: &Fitted,
) -> Result<Option<RoleId>, Delivery> {
    let Some(group) = f.invite.as_ref().and_then(|i| i.group.as_deref()) else {
        return Ok(None);
    };
    let Ok(user) = f.to.user.id.parse::<u64>() else {
        return Ok(None);
    };
    let Some((guild, role)) = shared.role(group) else {
        tracing::warn!(
            group,
            "discord role has no known guild; set `<guild id>:<role id>` or [discord] guild_id"
        );
        return Ok(None);
    };
    match http
        .add_member_role(
            guild,
            UserId::new(user),
            role,
            Some("yunqi: salon registration approved"),
        )
        .await
    {
        Ok(()) => Ok(Some(role)),
        Err(e) if is_transient(&e) => Err(ApiError(e).into()),
        Err(e) => {
            tracing::warn!(error = %e, %guild, %role, "discord role not granted; the approval goes without it");
            Ok(None)
        }
    }
}

impl Outbound for DiscordOutbound {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn capabilities(&self) -> Capabilities {
        render::capabilities()
    }

    /// Below the global 50 requests/s; serenity's limiter keeps the per-route buckets.
    fn rate_per_second(&self) -> f64 {
        20.0
    }

    /// Message posts are limited per channel bucket (docs/platforms/discord.md §C4; the
    /// commonly seen 5 per 5 s is not in the doc): one a second stays under it, so
    /// serenity's limiter never sleeps in the lane. A DM is its user's channel.
    fn recipient_gap(&self, _to: &Recipient) -> Duration {
        Duration::from_secs(1)
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send(msg))
    }
}
