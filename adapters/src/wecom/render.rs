//! `Fitted` → WeCom JSON: app text and `button_interaction` cards (docs/platforms/wecom.md §4.2–4.3),
//! kf text and `msgmenu` (docs/platforms/wechat-kf.md §2.6–2.7), robot text (wecom.md §5). A button's key or
//! menu id IS its command, so nothing is stored server-side; a command that does not fit
//! becomes a text line instead.

use crate::common::escape::wecom_text;
use serde_json::{json, Value};
use yunqi_bot::capability::{Capabilities, Fitted, LenUnit};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::message::{Button, ButtonStyle};

/// Text and markdown `content` limit (bytes, UTF-8) for app, kf and robot text.
pub const TEXT_MAX_BYTES: usize = 2048;
pub const CARD_MAX_BUTTONS: usize = 6;
/// Card button `key` limit; the key comes back as the click's `EventKey`.
pub const CARD_KEY_MAX_BYTES: usize = 1024;
const CARD_BUTTON_TEXT_CHARS: usize = 10;
const CARD_TITLE_CHARS: usize = 36;
const CARD_SUBTITLE_CHARS: usize = 160;
pub const MENU_MAX_ITEMS: usize = 10;
/// kf menu ids: one SDK says 64 bytes, another 128; the smaller one is safe.
pub const MENU_ID_MAX_BYTES: usize = 64;
const MENU_CONTENT_MAX_BYTES: usize = 128;
const MENU_HEAD_MAX_BYTES: usize = 1024;
/// Heading of a card or menu whose text had to go in a message of its own.
fn choose() -> String {
    PlatformMsg::Choose.bilingual()
}

/// The self-built app: cards with up to 6 buttons; text counted in bytes; attachments go
/// out as uploaded files (`outbound.rs`).
pub fn app_capabilities() -> Capabilities {
    Capabilities {
        buttons: true,
        max_buttons: CARD_MAX_BUTTONS,
        threads: false,
        direct_messages: true,
        edits: false,
        attachments: true,
        max_len: TEXT_MAX_BYTES,
        len_unit: LenUnit::Bytes,
    }
}

/// 微信客服: menu items stand in for buttons, up to 10.
pub fn kf_capabilities() -> Capabilities {
    Capabilities {
        max_buttons: MENU_MAX_ITEMS,
        ..app_capabilities()
    }
}

fn line(b: &Button) -> String {
    format!("[{}] {}", b.label, b.command)
}

fn cut_chars(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn cut_bytes(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Splits at line ends into parts of at most `max` bytes (inside a line if it must).
pub fn split_bytes(text: &str, max: usize) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for l in text.split_inclusive('\n') {
        let mut rest = l;
        while !rest.is_empty() {
            if cur.len() + rest.len() <= max {
                cur.push_str(rest);
                break;
            }
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            let head = cut_bytes(rest, max);
            let head = if head.is_empty() {
                &rest[..rest.chars().next().map_or(0, char::len_utf8)]
            } else {
                head
            };
            parts.push(head.to_string());
            rest = &rest[head.len()..];
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|p| p.trim_end_matches('\n').to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        vec![String::new()]
    } else {
        parts
    }
}

pub fn text_message(content: &str) -> Value {
    json!({"msgtype": "text", "text": {"content": content}})
}

/// Splits buttons into those that can carry their command and text lines for the rest.
fn partition(
    buttons: &[Button],
    max: usize,
    fits: impl Fn(&str) -> bool,
) -> (Vec<&Button>, Vec<String>) {
    let mut kept: Vec<&Button> = Vec::new();
    let mut lines = Vec::new();
    for b in buttons {
        let unique = !kept.iter().any(|k| k.command == b.command);
        if kept.len() < max && unique && !b.command.is_empty() && fits(&b.command) {
            kept.push(b);
        } else {
            lines.push(line(b));
        }
    }
    (kept, lines)
}

fn with_lines(text: &str, lines: &[String]) -> String {
    let mut t = text.to_string();
    for l in lines {
        if !t.is_empty() {
            t.push('\n');
        }
        t.push_str(l);
    }
    t
}

/// App messages (`{"msgtype":…}` without touser/agentid) for one fitted reply. `task_id`
/// must be new for every card ([0-9A-Za-z_-@], ≤ 128 bytes).
pub fn render_app(f: &Fitted, task_id: &str) -> Vec<Value> {
    let (kept, lines) = partition(&f.buttons, CARD_MAX_BUTTONS, |c| {
        c.len() <= CARD_KEY_MAX_BYTES
    });
    let text = with_lines(&wecom_text(&f.text), &lines);
    if kept.is_empty() {
        return split_bytes(&text, TEXT_MAX_BYTES)
            .iter()
            .map(|t| text_message(t))
            .collect();
    }
    let (first, rest) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    let fits_card = !first.trim().is_empty()
        && first.chars().count() <= CARD_TITLE_CHARS
        && rest.chars().count() <= CARD_SUBTITLE_CHARS;
    let mut out = Vec::new();
    let (title, subtitle) = if fits_card {
        (first.to_string(), rest.to_string())
    } else {
        for part in split_bytes(&text, TEXT_MAX_BYTES) {
            let mut m = text_message(&part);
            // a retry after the card failed must not show the text twice
            m["enable_duplicate_check"] = json!(1);
            m["duplicate_check_interval"] = json!(600);
            out.push(m);
        }
        (choose(), String::new())
    };
    let buttons: Vec<Value> = kept
        .iter()
        .map(|b| {
            let style = if b.style == ButtonStyle::Danger { 2 } else { 1 };
            json!({"type": 0, "text": cut_chars(&b.label, CARD_BUTTON_TEXT_CHARS), "style": style, "key": b.command})
        })
        .collect();
    let mut card = json!({
        "card_type": "button_interaction",
        "main_title": {"title": title},
        "task_id": task_id,
        "button_list": buttons,
    });
    if !subtitle.trim().is_empty() {
        card["sub_title_text"] = json!(subtitle);
    }
    out.push(json!({"msgtype": "template_card", "template_card": card}));
    out
}

/// kf messages for one fitted reply: text, or a `msgmenu` whose click ids are commands.
pub fn render_kf(f: &Fitted) -> Vec<Value> {
    let menu_id_ok = |c: &str| c.len() <= MENU_ID_MAX_BYTES && c.is_ascii();
    let (kept, lines) = partition(&f.buttons, MENU_MAX_ITEMS, menu_id_ok);
    let text = with_lines(&wecom_text(&f.text), &lines);
    if kept.is_empty() {
        return split_bytes(&text, TEXT_MAX_BYTES)
            .iter()
            .map(|t| text_message(t))
            .collect();
    }
    let mut out = Vec::new();
    let head = if text.len() <= MENU_HEAD_MAX_BYTES {
        text
    } else {
        out.extend(
            split_bytes(&text, TEXT_MAX_BYTES)
                .iter()
                .map(|t| text_message(t)),
        );
        choose()
    };
    let items: Vec<Value> = kept
        .iter()
        .map(|b| {
            let label = if b.label.trim().is_empty() { &b.command } else { &b.label };
            json!({"type": "click", "click": {"id": b.command, "content": cut_bytes(label, MENU_CONTENT_MAX_BYTES)}})
        })
        .collect();
    let mut menu = json!({"list": items});
    if !head.is_empty() {
        menu["head_content"] = json!(head);
    }
    out.push(json!({"msgtype": "msgmenu", "msgmenu": menu}));
    out
}

/// Group robot text: a robot cannot receive clicks, so buttons are command lines.
pub fn render_robot(f: &Fitted) -> Vec<Value> {
    let lines: Vec<String> = f.buttons.iter().map(line).collect();
    split_bytes(&with_lines(&wecom_text(&f.text), &lines), TEXT_MAX_BYTES)
        .iter()
        .map(|t| text_message(t))
        .collect()
}

/// An app `markdown` message (rendered in the WeCom client only, not in WeChat's 微工作台).
pub fn markdown_message(content: &str) -> Value {
    json!({"msgtype": "markdown", "markdown": {"content": cut_bytes(content, TEXT_MAX_BYTES)}})
}

/// A fresh card task id: unique forever within the app.
pub fn new_task_id() -> String {
    let r: u64 = rand::random();
    format!("yq-{}-{r:016x}", chrono::Utc::now().timestamp_millis())
}
