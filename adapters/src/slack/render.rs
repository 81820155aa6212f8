//! Fitted messages → Slack JSON: mrkdwn escaping and Block Kit (docs/platforms/slack.md §4.4, §5.2).

use serde::Serialize;
use std::borrow::Cow;
use yunqi_bot::capability::{Capabilities, Fitted, LenUnit};
use yunqi_bot::message::{Button, ButtonStyle};

/// Slack's guidance for one message's text (§5.2).
pub const MAX_TEXT: usize = 4000;
/// A section block's text (§4.4).
pub const MAX_SECTION: usize = 3000;
/// Elements in one actions block (§4.4).
pub const MAX_ACTIONS: usize = 25;
/// A button's `value` (§4.4); a longer command cannot be a button.
pub const MAX_VALUE: usize = 2000;
/// A button's label (plain_text, §4.4).
pub const MAX_LABEL: usize = 75;
/// Buttons kept as buttons: two actions blocks, far below the 50-blocks message limit.
pub const MAX_BUTTONS: usize = 2 * MAX_ACTIONS;

pub fn capabilities() -> Capabilities {
    Capabilities {
        buttons: true,
        max_buttons: MAX_BUTTONS,
        threads: true,
        direct_messages: true,
        edits: true,
        // The calendar file goes up through the files upload flow (`files.rs`).
        attachments: true,
        max_len: MAX_TEXT,
        len_unit: LenUnit::Chars,
    }
}

/// mrkdwn escaping: exactly `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`.
pub fn escape(text: &str) -> Cow<'_, str> {
    crate::common::escape::entities(text)
}

/// A message body for chat.postMessage, chat.update, chat.postEphemeral, a response_url
/// or a slash command's HTTP response; unset fields are left out.
#[derive(Debug, Serialize, Default)]
pub struct Message<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<&'static str>,
    /// Also the notification fallback when there are blocks.
    pub text: Cow<'a, str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Block<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block<'a> {
    Section { text: Text<'a> },
    Actions { elements: Vec<ButtonElement<'a>> },
}

#[derive(Debug, Serialize)]
pub struct Text<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: Cow<'a, str>,
}

#[derive(Debug, Serialize)]
pub struct ButtonElement<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Unique within its block.
    pub action_id: String,
    pub text: Text<'a>,
    pub value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<&'static str>,
}

impl<'a> Message<'a> {
    /// `text`, and when there are buttons a section (or several: 3000 chars each) followed
    /// by actions blocks of at most 25 buttons. A command too long for a button `value`
    /// becomes a text line instead, as `fit` does for platforms without buttons.
    pub fn fitted(f: &'a Fitted) -> Message<'a> {
        let (buttons, too_long): (Vec<&Button>, Vec<&Button>) = f
            .buttons
            .iter()
            .partition(|b| b.command.chars().count() <= MAX_VALUE);
        let text: Cow<'a, str> = if too_long.is_empty() {
            escape(&f.text)
        } else {
            let mut t = f.text.clone();
            for b in too_long {
                t.push_str(&format!("\n[{}] {}", b.label, b.command));
            }
            Cow::Owned(escape(&t).into_owned())
        };
        let mut blocks = Vec::new();
        if !buttons.is_empty() {
            for part in chunks(&text, MAX_SECTION) {
                blocks.push(Block::Section {
                    text: Text {
                        kind: "mrkdwn",
                        text: Cow::Owned(part.to_string()),
                    },
                });
            }
            for (n, group) in buttons.chunks(MAX_ACTIONS).enumerate() {
                let elements = group
                    .iter()
                    .enumerate()
                    .map(|(i, b)| button(b, n * MAX_ACTIONS + i))
                    .collect();
                blocks.push(Block::Actions { elements });
            }
        }
        Message {
            text,
            blocks,
            thread_ts: f.thread.as_deref(),
            ..Message::default()
        }
    }
}

fn button(b: &Button, i: usize) -> ButtonElement<'_> {
    let label: Cow<'_, str> = if b.label.chars().count() > MAX_LABEL {
        Cow::Owned(b.label.chars().take(MAX_LABEL - 1).chain(['…']).collect())
    } else {
        Cow::Borrowed(b.label.as_str())
    };
    ButtonElement {
        kind: "button",
        action_id: format!("b{i}"),
        text: Text {
            kind: "plain_text",
            text: label,
        },
        value: &b.command,
        style: match b.style {
            ButtonStyle::Default => None,
            ButtonStyle::Primary => Some("primary"),
            ButtonStyle::Danger => Some("danger"),
        },
    }
}

/// Splits escaped text into pieces of at most `max` chars, at a line end where possible and
/// never inside an `&amp;`-style entity.
pub(crate) fn chunks(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let hard = rest
            .char_indices()
            .nth(max)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let mut cut = rest[..hard].rfind('\n').map(|i| i + 1).unwrap_or(hard);
        if let Some(amp) = rest[..cut].rfind('&') {
            if !rest[amp..cut].contains(';') && amp > 0 {
                cut = amp;
            }
        }
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
