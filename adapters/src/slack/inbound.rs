//! Slack payloads → `yunqi_bot::Inbound`. Pure functions: no I/O, no state.

use super::dto::{BlockActions, Event, EventCallback, SlashCommand};
use std::borrow::Cow;
use yunqi_bot::command::Command;
use yunqi_bot::{EventKind, Inbound, Platform, UserRef};

/// Who the bot is (from `auth.test`), so its own posts are not taken as input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BotIdentity {
    pub user_id: Option<String>,
    pub bot_id: Option<String>,
}

/// Message subtypes that are still a person speaking; every other subtype is ignored.
const USER_SUBTYPES: &[&str] = &["thread_broadcast", "file_share"];

/// `None` for a direct message (`D…`), else the shared conversation.
pub fn shared_conversation(channel: &str) -> Option<String> {
    (!channel.is_empty() && !channel.starts_with('D')).then(|| channel.to_string())
}

/// A message or app mention as an event; `None` when it must be ignored (bots, edits,
/// joins, the bot itself).
pub fn from_event(cb: EventCallback, me: &BotIdentity) -> Option<Inbound> {
    let (m, mention) = match cb.event {
        Event::Message(m) => (m, false),
        Event::AppMention(m) => (m, true),
        Event::Other => return None,
    };
    if m.bot_id.is_some()
        || m.subtype
            .as_deref()
            .is_some_and(|s| !USER_SUBTYPES.contains(&s))
    {
        return None;
    }
    let user = m.user?;
    if me.user_id.as_deref() == Some(user.as_str()) {
        return None;
    }
    let channel = m.channel?;
    let conversation = match m.channel_type.as_deref() {
        Some("im") => None,
        Some(_) => Some(channel),
        // app_mention has no channel_type.
        None => shared_conversation(&channel),
    };
    let raw = m.text.unwrap_or_default();
    let stripped = strip_mention(&raw, mention, me);
    let text = if mention && stripped.is_empty() {
        Command::Help.to_text()
    } else {
        unescape(stripped).into_owned()
    };
    Some(Inbound {
        event_id: Some(cb.event_id),
        user: UserRef::new(Platform::Slack, user),
        conversation,
        // Slack threads are keyed by the parent's ts: replies to a reply go to its parent.
        message_id: m.thread_ts.or(m.ts),
        locale_hint: None,
        kind: EventKind::Text(text),
        reply_inline: false,
    })
}

/// Drops a leading `<@U…>`: always in an app mention, in a message only when it names the
/// bot (or the bot is not known yet).
fn strip_mention<'a>(text: &'a str, mention: bool, me: &BotIdentity) -> &'a str {
    let t = text.trim_start();
    let Some(rest) = t.strip_prefix("<@") else {
        return text.trim();
    };
    let Some(end) = rest.find('>') else {
        return text.trim();
    };
    let id = rest[..end].split('|').next().unwrap_or_default();
    if mention || me.user_id.as_deref().is_none_or(|me| me == id) {
        rest[end + 1..].trim()
    } else {
        text.trim()
    }
}

/// Slack sends `&`, `<`, `>` in message text as `&amp;`, `&lt;`, `&gt;`.
pub fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    // `&amp;` last, so `&amp;lt;` becomes the literal `&lt;`.
    Cow::Owned(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The core command text of a slash command: `/yunqi register 1` (the app's one command)
/// and a directly registered `/register 1` both give `/register 1`.
pub fn command_text(command: &str, text: &str, configured: &str) -> String {
    let text = text.trim();
    if command.eq_ignore_ascii_case(configured) {
        let t = text
            .strip_prefix('/')
            .or_else(|| text.strip_prefix('／'))
            .unwrap_or(text);
        if t.is_empty() {
            Command::Help.to_text()
        } else {
            let mut s = String::with_capacity(t.len() + 1);
            s.push('/');
            s.push_str(t);
            s
        }
    } else if text.is_empty() {
        command.to_string()
    } else {
        let mut s = String::with_capacity(command.len() + 1 + text.len());
        s.push_str(command);
        s.push(' ');
        s.push_str(text);
        s
    }
}

/// A slash command, answered in the HTTP response (`reply_inline`). Slash commands carry
/// no event id and Slack does not retry them, so there is nothing to dedupe.
pub fn from_command(cmd: &SlashCommand, text: String) -> Inbound {
    Inbound {
        event_id: None,
        user: UserRef::new(Platform::Slack, cmd.user_id.as_str()),
        conversation: shared_conversation(&cmd.channel_id),
        message_id: None,
        locale_hint: None,
        kind: EventKind::Text(text),
        reply_inline: true,
    }
}

/// A button press: its `value` is the core command (`message::Button.command`); the
/// presser's answer comes back inline to update the pressed message.
pub fn from_block_actions(b: &BlockActions) -> Option<Inbound> {
    let action = b
        .actions
        .iter()
        .find(|a| a.kind == "button" && a.value.as_deref().is_some_and(|v| !v.trim().is_empty()))?;
    let channel = b
        .container
        .as_ref()
        .and_then(|c| c.channel_id.as_deref())
        .or(b.channel.as_ref().map(|c| c.id.as_str()))
        .unwrap_or_default();
    Some(Inbound {
        event_id: None,
        user: UserRef::new(Platform::Slack, b.user.id.as_str()),
        conversation: shared_conversation(channel),
        message_id: b.message.as_ref().and_then(|m| m.thread_ts.clone()),
        locale_hint: None,
        kind: EventKind::Button(action.value.clone().unwrap_or_default()),
        // The answer is shown in the pressed message (`decision`).
        reply_inline: true,
    })
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
