//! Fitted messages → Telegram: HTML text (the parse mode the adapter uses), MarkdownV2
//! escaping for completeness, inline keyboards with `callback_data` ≤ 64 bytes.

use crate::common::escape::{backslash, entities};
use crate::common::stored::{Payload, Payloads};
use std::borrow::Cow;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use yunqi_bot::capability::{Capabilities, LenUnit};
use yunqi_bot::message::Button;

/// A message's text after entity parsing (Bot API: 1–4096 characters); kept a little lower
/// because Telegram counts UTF-16 code units.
pub const MAX_TEXT: usize = 4000;
/// `callback_data` is 1–64 bytes.
pub const MAX_CALLBACK_DATA: usize = 64;
/// Buttons kept as buttons (Telegram allows 100 per keyboard; more is unreadable).
pub const MAX_BUTTONS: usize = 20;
/// Buttons side by side in one keyboard row.
pub const ROW: usize = 2;
/// Commands too long for `callback_data` are stored server-side (Kv `telegram:cb:<key>`).
pub const PAYLOADS: Payloads = Payloads {
    namespace: "telegram",
    fits: |c| c.len() <= MAX_CALLBACK_DATA,
};

pub fn capabilities() -> Capabilities {
    Capabilities {
        buttons: true,
        max_buttons: MAX_BUTTONS,
        threads: true,
        direct_messages: true,
        edits: false,
        attachments: true,
        max_len: MAX_TEXT,
        len_unit: LenUnit::Chars,
    }
}

/// HTML parse mode: exactly `&`, `<`, `>` (quotes need no escaping outside attributes).
pub fn escape_html(text: &str) -> Cow<'_, str> {
    entities(text)
}

/// The 18 characters MarkdownV2 reserves outside entities, plus the backslash.
const MD_SPECIAL: &str = "_*[]()~`>#+-=|{}.!\\";

/// MarkdownV2 text outside entities.
pub fn escape_markdown(text: &str) -> String {
    backslash(text, MD_SPECIAL)
}

/// MarkdownV2 inside `code` and `pre`: only `` ` `` and `\`.
pub fn escape_markdown_code(text: &str) -> String {
    backslash(text, "`\\")
}

/// MarkdownV2 inside the `(…)` of a link: `)` and `\`.
pub fn escape_markdown_url(url: &str) -> String {
    backslash(url, ")\\")
}

/// The message body in HTML parse mode.
pub fn html(text: &str) -> String {
    escape_html(text).into_owned()
}

/// What goes into a button's `callback_data`.
pub type CallbackData = Payload;

/// The Kv key of a stored command, from the `callback_data` that names it.
pub fn stored_key(data: &str) -> Option<String> {
    PAYLOADS.stored_key(data)
}

/// A command that fits in 64 bytes is its own `callback_data`; a longer one is stored.
pub fn callback_data(command: &str) -> CallbackData {
    PAYLOADS.payload(command)
}

/// Telegram shows long labels cut; keep them readable.
fn label(l: &str) -> String {
    const MAX: usize = 64;
    if l.chars().count() <= MAX {
        l.to_string()
    } else {
        l.chars().take(MAX - 1).chain(['…']).collect()
    }
}

/// An inline keyboard, `ROW` buttons a row, each button's data from `callback_data`.
pub fn keyboard(buttons: &[Button]) -> Option<InlineKeyboardMarkup> {
    if buttons.is_empty() {
        return None;
    }
    let rows = buttons
        .chunks(ROW)
        .map(|row| {
            row.iter()
                .map(|b| {
                    InlineKeyboardButton::callback(label(&b.label), callback_data(&b.command).id())
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    Some(InlineKeyboardMarkup::new(rows))
}
