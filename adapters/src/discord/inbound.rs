//! Discord gateway payloads → `yunqi_bot::Inbound`. Pure functions over serenity's model
//! types, so they are tested with JSON fixtures (a `Context` cannot be made by hand).
//!
//! Ids: a user is `discord:<user id>`; a guild channel (or thread) is the conversation, a
//! DM has none. Message ids are global snowflakes. `Inbound.message_id` names the thread
//! a message belongs to: the referenced message of a reply, the thread of a message in a
//! thread (a thread started from a message has that message's id), else the message.

use serenity::all::{
    CommandDataOptionValue, CommandInteraction, ComponentInteraction, Message,
    MessageReferenceKind, User, UserId,
};
use yunqi_bot::{EventKind, Inbound, Locale, Platform, UserRef};

/// The one string option of every slash command: the command's arguments.
pub const ARGS_OPTION: &str = "args";

pub fn user_ref(u: &User) -> UserRef {
    UserRef::new(Platform::Discord, u.id.get().to_string())
}

/// The thread a message belongs to.
pub fn thread_key(m: &Message) -> String {
    if let Some(r) = &m.message_reference {
        if r.kind == MessageReferenceKind::Default {
            if let Some(id) = r.message_id {
                return id.get().to_string();
            }
        }
    }
    if m.position.is_some() {
        // Only messages inside a thread carry a position.
        return m.channel_id.get().to_string();
    }
    m.id.get().to_string()
}

/// The channel in a guild, `None` in a DM.
pub fn conversation(m: &Message) -> Option<String> {
    m.guild_id.map(|_| m.channel_id.get().to_string())
}

/// A message as an event; `None` for bots (the bot itself included) and empty content
/// (without the MESSAGE_CONTENT intent guild messages arrive empty).
pub fn from_message(m: &Message, me: Option<UserId>) -> Option<Inbound> {
    if m.author.bot || m.webhook_id.is_some() || Some(m.author.id) == me {
        return None;
    }
    let mut text = m.content.trim();
    if let Some(me) = me {
        // "@bot register 1" in a channel: the mention is not part of the command.
        for mention in [format!("<@{me}>"), format!("<@!{me}>")] {
            if let Some(rest) = text.strip_prefix(mention.as_str()) {
                text = rest.trim();
            }
        }
    }
    if text.is_empty() {
        return None;
    }
    Some(Inbound {
        event_id: Some(format!("m{}", m.id.get())),
        user: user_ref(&m.author),
        conversation: conversation(m),
        message_id: Some(thread_key(m)),
        locale_hint: None,
        kind: EventKind::Text(text.to_string()),
        reply_inline: false,
    })
}

/// `/register args:1 name=…` → `/register 1 name=…`.
pub fn command_text(c: &CommandInteraction) -> String {
    let mut text = format!("/{}", c.data.name);
    for o in &c.data.options {
        if let CommandDataOptionValue::String(s) = &o.value {
            let s = s.trim();
            if !s.is_empty() {
                text.push(' ');
                text.push_str(s);
            }
        }
    }
    text
}

fn locale(code: &str) -> Option<Locale> {
    Locale::from_hint(code)
}

/// A slash command, answered in its interaction response (`reply_inline`).
pub fn from_command(c: &CommandInteraction) -> Inbound {
    Inbound {
        event_id: Some(format!("i{}", c.id.get())),
        user: user_ref(&c.user),
        conversation: c.guild_id.map(|_| c.channel_id.get().to_string()),
        message_id: None,
        locale_hint: locale(&c.locale),
        kind: EventKind::Text(command_text(c)),
        reply_inline: true,
    }
}

/// A button press: its `custom_id` is the command (or a stored key, see `render`).
pub fn from_component(c: &ComponentInteraction) -> Option<Inbound> {
    let id = c.data.custom_id.trim();
    if id.is_empty() || c.user.bot {
        return None;
    }
    Some(Inbound {
        event_id: Some(format!("i{}", c.id.get())),
        user: user_ref(&c.user),
        conversation: c.guild_id.map(|_| c.channel_id.get().to_string()),
        message_id: Some(thread_key(&c.message)),
        locale_hint: locale(&c.locale),
        kind: EventKind::Button(id.to_string()),
        reply_inline: true,
    })
}
