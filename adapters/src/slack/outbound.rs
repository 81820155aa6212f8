//! The outbox dispatcher's Slack lane: a fitted message → chat.postMessage, a DM opened
//! with conversations.open first; an approval's `invite` → conversations.invite.

use super::api::{ApiError, SlackApi};
use super::render::{self, Block, Message, Text};
use futures::future::BoxFuture;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::message::Recipient;
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::Platform;

/// Tries of an invitation carried out outside the outbox (replies answered inline).
const INVITE_TRIES: u32 = 5;

pub struct SlackOutbound {
    api: Arc<SlackApi>,
    /// Part key → (channel, ts) of a text posted while its file was not uploaded yet, so
    /// the retry uploads the file without posting the text again.
    posted: std::sync::Mutex<HashMap<String, (String, String)>>,
    /// Messages a second in all (`[slack] rate_per_second`).
    rate: f64,
}

impl SlackOutbound {
    pub fn new(api: Arc<SlackApi>) -> SlackOutbound {
        SlackOutbound {
            api,
            posted: Default::default(),
            rate: super::config::DEFAULT_RATE,
        }
    }

    pub fn with_rate(mut self, rate: f64) -> SlackOutbound {
        self.rate = rate;
        self
    }

    /// The text, then its file (the calendar invitation) in the same channel. A file
    /// failing transiently is retried without the text; failing for good, the text stands.
    async fn send_part(&self, f: &Fitted, key: Option<&str>) -> Delivery {
        let Some(file) = &f.attachment else {
            return deliver(&self.api, f).await;
        };
        let earlier = key.and_then(|k| self.posted.lock().ok().and_then(|p| p.get(k).cloned()));
        let (channel, ts) = match earlier {
            Some(p) => p,
            None => match post(&self.api, f).await {
                Ok(p) => p,
                Err(d) => return d,
            },
        };
        let forget = |k: &str| {
            if let Ok(mut p) = self.posted.lock() {
                p.remove(k);
            }
        };
        match self.api.upload_file(&channel, None, file).await {
            Ok(()) => {
                if let Some(k) = key {
                    forget(k);
                }
            }
            Err(ApiError::Transient { error, after }) if key.is_some() => {
                if let (Some(k), Ok(mut p)) = (key, self.posted.lock()) {
                    p.insert(k.to_string(), (channel, ts));
                }
                return Delivery::Retry {
                    after,
                    error: format!("calendar file: {error}"),
                    scope: yunqi_bot::ports::RetryScope::Platform,
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, "slack calendar file not uploaded; the message stands");
                if let Some(k) = key {
                    forget(k);
                }
            }
        }
        Delivery::Sent {
            message_id: Some(ts),
        }
    }

    /// Posts one message; `message_id` is its `ts`, the id threads and edits use.
    pub async fn send(&self, f: &Fitted) -> Delivery {
        deliver(&self.api, f).await
    }
}

/// The line added to an approval once its recipient is in the event channel.
pub fn invited_line(channel: &str) -> String {
    PlatformMsg::ChannelAdded(&format!("<#{channel}>")).bilingual()
}

/// Delivers one fitted message. An invitation goes first: when it fails for a while,
/// nothing has been posted yet, so the outbox's retry posts the message once; inviting
/// someone already in the channel again is no error.
pub(crate) async fn deliver(api: &SlackApi, f: &Fitted) -> Delivery {
    match post(api, f).await {
        Ok((_, ts)) => Delivery::Sent {
            message_id: Some(ts),
        },
        Err(d) => d,
    }
}

/// Posts the message; the channel it went to and its `ts`.
async fn post(api: &SlackApi, f: &Fitted) -> Result<(String, String), Delivery> {
    if f.to.user.platform != Platform::Slack {
        return Err(Delivery::Failed {
            error: format!("not a Slack user: {}", f.to.user),
        });
    }
    let mut invited = None;
    if let Some(channel) = f.invite.as_ref().and_then(|i| i.group.as_deref()) {
        match api.invite(channel, &[f.to.user.id.as_str()]).await {
            Ok(()) => invited = Some(channel),
            Err(e @ ApiError::Transient { .. }) => return Err(e.into()),
            // The approval still goes out (with the group link, if any); an operator
            // fixes the channel (e.g. the bot is not in it: not_in_channel).
            Err(ApiError::Permanent(error)) => {
                tracing::warn!(%error, channel, "slack invitation failed; the approval is sent without it")
            }
        }
    }
    let dm;
    let channel = match &f.to.conversation {
        Some(c) => c.as_str(),
        None => match api.open_dm(&f.to.user.id).await {
            Ok(c) => {
                dm = c;
                dm.as_str()
            }
            Err(e) => return Err(e.into()),
        },
    };
    let mut m = Message::fitted(f);
    m.channel = Some(channel);
    if let Some(group) = invited {
        add_line(&mut m, invited_line(group));
    }
    match api.post_message(&m).await {
        Ok(p) => Ok((channel.to_string(), p.ts)),
        Err(e) => Err(e.into()),
    }
}

/// Appends ready mrkdwn to the text, and to the blocks (before the buttons) if any.
fn add_line(m: &mut Message<'_>, line: String) {
    let text = m.text.to_mut();
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&line);
    if !m.blocks.is_empty() {
        let at = m
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Actions { .. }))
            .unwrap_or(m.blocks.len());
        let section = Block::Section {
            text: Text {
                kind: "mrkdwn",
                text: Cow::Owned(line),
            },
        };
        m.blocks.insert(at, section);
    }
}

/// Carries out the invitations of replies that did not go through the outbox (answered
/// inline), in the background, retrying transient failures a few times.
pub(crate) fn invite_in_background(api: &Arc<SlackApi>, parts: &[Fitted]) {
    for f in parts {
        let Some(channel) = f.invite.as_ref().and_then(|i| i.group.clone()) else {
            continue;
        };
        if f.to.user.platform != Platform::Slack {
            continue;
        }
        let api = api.clone();
        let user = f.to.user.id.clone();
        tokio::spawn(async move {
            let mut wait = Duration::from_secs(1);
            for _ in 0..INVITE_TRIES {
                match api.invite(&channel, &[user.as_str()]).await {
                    Ok(()) => return,
                    Err(ApiError::Transient { error, after }) => {
                        tracing::warn!(%error, %channel, "slack invitation will be retried");
                        tokio::time::sleep(after.unwrap_or(wait)).await;
                        wait *= 2;
                    }
                    Err(ApiError::Permanent(error)) => {
                        tracing::warn!(%error, %channel, "slack invitation failed");
                        return;
                    }
                }
            }
            tracing::warn!(%channel, "slack invitation given up after {INVITE_TRIES} tries");
        });
    }
}

impl Outbound for SlackOutbound {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    fn capabilities(&self) -> Capabilities {
        render::capabilities()
    }

    fn rate_per_second(&self) -> f64 {
        self.rate
    }

    /// About one message a second per channel (docs/platforms/slack.md §5.4); a DM is its
    /// user's channel.
    fn recipient_gap(&self, _to: &Recipient) -> Duration {
        self.api.channel_gap()
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send_part(msg, None))
    }

    fn deliver_part<'a>(&'a self, msg: &'a Fitted, key: &'a str) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send_part(msg, Some(key)))
    }
}
