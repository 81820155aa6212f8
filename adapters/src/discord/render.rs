//! Fitted messages → Discord: markdown escaping, button rows with `custom_id` ≤ 100.

use crate::common::escape::backslash;
use crate::common::stored::{Payload, Payloads};
use serenity::all::{ButtonStyle as DButton, CreateActionRow, CreateButton};
use yunqi_bot::capability::{Capabilities, LenUnit};
use yunqi_bot::message::{Button, ButtonStyle};

/// A message's content limit.
pub const MAX_CONTENT: usize = 2000;
/// Fitted text is kept lower, leaving room for escapes.
pub const MAX_TEXT: usize = 1500;
/// `custom_id` is 1–100 characters.
pub const MAX_CUSTOM_ID: usize = 100;
/// Five action rows of five buttons.
pub const MAX_BUTTONS: usize = 25;
pub const ROW: usize = 5;
pub const MAX_LABEL: usize = 80;
/// Commands too long for a `custom_id` are stored server-side (Kv `discord:cb:<key>`).
pub const PAYLOADS: Payloads = Payloads {
    namespace: "discord",
    fits: |c| c.chars().count() <= MAX_CUSTOM_ID,
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

/// Escapes Discord markdown: `\ * _ ~ ` |` everywhere, `> # -` at a line's start; links
/// are left alone so they stay clickable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        out.push_str(&line[..line.len() - body.len()]);
        if body.starts_with(['>', '#', '-']) {
            out.push('\\');
        }
        let mut first = true;
        for word in body.split(' ') {
            if !first {
                out.push(' ');
            }
            first = false;
            if word.starts_with("https://") || word.starts_with("http://") {
                out.push_str(word);
                continue;
            }
            out.push_str(&backslash(word, "\\*_~`|"));
        }
    }
    out
}

/// The content sent: escaped, or the plain text when escaping would make it too long.
pub fn content(text: &str) -> String {
    let e = escape(text);
    if e.chars().count() <= MAX_CONTENT {
        e
    } else {
        text.chars().take(MAX_CONTENT).collect()
    }
}

pub type CustomId = Payload;

/// A command up to 100 characters is its own `custom_id`; a longer one is stored.
pub fn custom_id(command: &str) -> CustomId {
    PAYLOADS.payload(command)
}

/// The Kv key of a stored command, from the `custom_id` naming it.
pub fn stored_key(id: &str) -> Option<String> {
    PAYLOADS.stored_key(id)
}

fn label(l: &str) -> String {
    if l.chars().count() <= MAX_LABEL {
        l.to_string()
    } else {
        l.chars().take(MAX_LABEL - 1).chain(['…']).collect()
    }
}

/// Buttons in rows of five; two buttons with one command get distinct ids.
pub fn rows(buttons: &[Button]) -> Vec<CreateActionRow> {
    let mut seen = std::collections::HashSet::new();
    buttons
        .iter()
        .filter(|b| seen.insert(custom_id(&b.command)))
        .collect::<Vec<_>>()
        .chunks(ROW)
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        let style = match b.style {
                            ButtonStyle::Primary => DButton::Primary,
                            ButtonStyle::Danger => DButton::Danger,
                            ButtonStyle::Default => DButton::Secondary,
                        };
                        CreateButton::new(custom_id(&b.command).id())
                            .label(label(&b.label))
                            .style(style)
                    })
                    .collect(),
            )
        })
        .collect()
}
