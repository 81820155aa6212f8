//! Telegram updates → `yunqi_bot::Inbound`. Pure functions: no I/O, no state.
//!
//! Ids: a user is `telegram:<user id>`; a group is its chat id; a message is
//! `<chat id>:<message id>` (message ids are per chat). `Inbound.message_id` names the
//! thread a message belongs to: the replied-to message for a reply, else the message.

use super::commands;
use teloxide::types::{CallbackQuery, ChatId, Message, MessageId, Update, UpdateKind, User};
use yunqi_bot::{EventKind, Inbound, Locale, Platform, UserRef};

/// Who the bot is (from getMe), so commands meant for other bots are left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotIdentity {
    pub id: Option<u64>,
    pub username: Option<String>,
}

/// What one update asks of the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// Hand this to the core.
    Event(Inbound),
    /// A button press: answer the callback query, then hand the event to the core. Its
    /// `Button` payload is the raw `callback_data` (maybe a stored key, see `render`).
    Press {
        callback_id: String,
        event: Option<Inbound>,
    },
    /// Nothing for the core (edits, channel posts, bots, unknown kinds).
    Ignored,
}

/// The platform id of a message: `<chat id>:<message id>`.
pub fn message_key(chat: ChatId, id: MessageId) -> String {
    format!("{}:{}", chat.0, id.0)
}

/// Splits a message key back into chat and message id.
pub fn parse_message_key(key: &str) -> Option<(ChatId, MessageId)> {
    let (chat, id) = key.rsplit_once(':')?;
    Some((ChatId(chat.parse().ok()?), MessageId(id.parse().ok()?)))
}

/// The thread a message belongs to: the message it replies to, else itself.
pub fn thread_key(m: &Message) -> String {
    match m.reply_to_message() {
        Some(parent) => message_key(parent.chat.id, parent.id),
        None => message_key(m.chat.id, m.id),
    }
}

/// `None` for a private chat (a DM), else the group's chat id.
pub fn conversation(m: &Message) -> Option<String> {
    (!m.chat.is_private()).then(|| m.chat.id.0.to_string())
}

pub fn user_ref(u: &User) -> UserRef {
    UserRef::new(Platform::Telegram, u.id.0.to_string())
}

fn locale(u: &User) -> Option<Locale> {
    u.language_code.as_deref().and_then(Locale::from_hint)
}

/// `/cmd@other_bot …` in a group is for another bot.
fn for_another_bot(text: &str, me: &BotIdentity) -> bool {
    let Some(rest) = text.strip_prefix('/') else {
        return false;
    };
    let word = rest.split(char::is_whitespace).next().unwrap_or("");
    match (word.split_once('@'), me.username.as_deref()) {
        (Some((_, target)), Some(mine)) => !target.eq_ignore_ascii_case(mine),
        _ => false,
    }
}

pub fn from_update(u: &Update, me: &BotIdentity) -> Incoming {
    let event_id = u.id.0.to_string();
    match &u.kind {
        UpdateKind::Message(m) => from_message(m, event_id, me),
        UpdateKind::CallbackQuery(q) => from_callback(q, event_id),
        _ => Incoming::Ignored,
    }
}

fn from_message(m: &Message, event_id: String, me: &BotIdentity) -> Incoming {
    let Some(from) = m.from.as_ref().filter(|f| !f.is_bot) else {
        return Incoming::Ignored;
    };
    if me.id.is_some_and(|id| id == from.id.0) {
        return Incoming::Ignored;
    }
    if let Some(joined) = m.new_chat_members() {
        // One member at a time is what the invite links produce; the event is the first
        // human among them who is the sender (someone adding others is not a join).
        if joined.iter().any(|j| j.id == from.id) {
            return Incoming::Event(Inbound {
                event_id: Some(event_id),
                user: user_ref(from),
                conversation: None,
                message_id: None,
                locale_hint: locale(from),
                kind: EventKind::Joined {
                    conversation: m.chat.id.0.to_string(),
                },
                reply_inline: false,
            });
        }
        return Incoming::Ignored;
    }
    let Some(text) = m.text().or_else(|| m.caption()) else {
        return Incoming::Ignored;
    };
    let text = text.trim();
    if text.is_empty() || for_another_bot(text, me) {
        return Incoming::Ignored;
    }
    Incoming::Event(Inbound {
        event_id: Some(event_id),
        user: user_ref(from),
        conversation: conversation(m),
        message_id: Some(thread_key(m)),
        locale_hint: locale(from),
        kind: EventKind::Text(commands::to_core(text)),
        reply_inline: false,
    })
}

fn from_callback(q: &CallbackQuery, event_id: String) -> Incoming {
    let callback_id = q.id.0.clone();
    let data = q.data.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let event = data.filter(|_| !q.from.is_bot).map(|d| {
        let msg = q.regular_message();
        Inbound {
            event_id: Some(event_id),
            user: user_ref(&q.from),
            conversation: msg.and_then(conversation),
            message_id: msg.map(thread_key),
            locale_hint: locale(&q.from),
            kind: EventKind::Button(d.to_string()),
            reply_inline: false,
        }
    });
    Incoming::Press { callback_id, event }
}
