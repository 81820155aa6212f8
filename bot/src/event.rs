//! The one closed inbound event type every adapter produces.

use crate::ids::Locale;
use crate::ids::UserRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A message or slash command, as text.
    Text(String),
    /// A button press; its payload is a command (see `message::Button`).
    Button(String),
    /// The user joined a shared conversation (an event group).
    Joined { conversation: String },
}

/// Event ids of actions taken in the web console start with this: the audit says "via web".
pub const WEB_EVENT_PREFIX: &str = "web:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// The platform's own id of this update (Slack `event_id`, WeCom `MsgId`, Telegram
    /// `update_id`, …); an event seen before has no second effect. `None`: no dedup.
    pub event_id: Option<String>,
    pub user: UserRef,
    /// Shared conversation it was said in; `None` = a direct message.
    pub conversation: Option<String>,
    /// The platform's id of the message, for threads.
    pub message_id: Option<String>,
    /// The platform's idea of the user's language, used for new members.
    pub locale_hint: Option<Locale>,
    pub kind: EventKind,
    /// The adapter answers in the request's own response (Slack slash commands, and button
    /// presses whose message it updates): replies to this conversation come back from
    /// `Core::submit` instead of going to the outbox — except those carrying an invitation
    /// into a platform group, which stay in the outbox so the invitation is durable.
    pub reply_inline: bool,
}

impl Inbound {
    pub fn text(user: UserRef, text: impl Into<String>) -> Inbound {
        Inbound {
            event_id: None,
            user,
            conversation: None,
            message_id: None,
            locale_hint: None,
            kind: EventKind::Text(text.into()),
            reply_inline: false,
        }
    }

    pub fn with_event_id(mut self, id: impl Into<String>) -> Inbound {
        self.event_id = Some(id.into());
        self
    }

    /// Submitted by the web console on the user's behalf.
    pub fn from_web(&self) -> bool {
        self.event_id
            .as_deref()
            .is_some_and(|id| id.starts_with(WEB_EVENT_PREFIX))
    }

    /// The key that orders events: one conversation's events are handled in order.
    pub fn conversation_key(&self) -> String {
        match &self.conversation {
            Some(c) => format!("{}#{}", self.user.platform, c),
            None => self.user.to_string(),
        }
    }
}
