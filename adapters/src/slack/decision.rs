//! After a button press: the message that carried the button is updated in place to show
//! who pressed what and the core's answer (chat.update; the response_url for an ephemeral
//! message), and the pressed button and its siblings for the same person disappear, so
//! nobody decides twice. What cannot be shown there is sent as a message instead.

use super::api::{ApiError, SlackApi};
use super::dto::BlockActions;
use super::outbound::{deliver, invite_in_background};
use super::render::{self, chunks, escape, MAX_SECTION};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::capability::{fit, Fitted};
use yunqi_bot::message::Outgoing;
use yunqi_bot::ports::Delivery;

/// Tries of a reply sent outside the outbox when the update could not show it.
const SEND_TRIES: u32 = 3;

/// The message a button was pressed in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub user: String,
    pub channel: Option<String>,
    pub ts: Option<String>,
    pub ephemeral: bool,
    pub response_url: Option<String>,
    /// In a shared conversation (anything but a DM): private replies are not shown there.
    pub shared: bool,
    pub text: String,
    pub blocks: Vec<Value>,
    /// The pressed button's value (a core command) and label.
    pub value: String,
    pub label: String,
}

impl Source {
    pub fn of(b: &BlockActions, shared: bool) -> Source {
        let action = b.actions.iter().find(|a| {
            a.kind == "button" && a.value.as_deref().is_some_and(|v| !v.trim().is_empty())
        });
        let container = b.container.as_ref();
        let message = b.message.as_ref();
        Source {
            user: b.user.id.clone(),
            channel: container
                .and_then(|c| c.channel_id.clone())
                .or_else(|| b.channel.as_ref().map(|c| c.id.clone())),
            ts: container
                .and_then(|c| c.message_ts.clone())
                .or_else(|| message.and_then(|m| m.ts.clone())),
            ephemeral: container.is_some_and(|c| c.is_ephemeral),
            response_url: b.response_url.clone().filter(|u| !u.is_empty()),
            shared,
            text: message.and_then(|m| m.text.clone()).unwrap_or_default(),
            blocks: message.map(|m| m.blocks.clone()).unwrap_or_default(),
            value: action.and_then(|a| a.value.clone()).unwrap_or_default(),
            label: action
                .and_then(|a| a.text.as_ref())
                .map(|t| t.text.clone())
                .unwrap_or_default(),
        }
    }
}

/// What a button's command is about: its arguments (`1 slack:U1` of `/approve 1 slack:U1`).
fn target(command: &str) -> &str {
    command
        .trim()
        .split_once(char::is_whitespace)
        .map(|(_, rest)| rest.trim())
        .unwrap_or("")
}

/// The source message's blocks after the decision: the buttons about the same target gone
/// (every button after an `… all`), who decided and the answer added before what is left.
pub fn decided_blocks(src: &Source, answer: &str) -> Vec<Value> {
    let t = target(&src.value);
    let everything = t.is_empty()
        || t.split_whitespace()
            .last()
            .is_some_and(|w| w.eq_ignore_ascii_case("all") || w == "全部");
    let mut out = Vec::with_capacity(src.blocks.len() + 2);
    let mut actions = Vec::new();
    for b in &src.blocks {
        if b["type"] != "actions" {
            out.push(b.clone());
            continue;
        }
        let kept: Vec<Value> = b["elements"]
            .as_array()
            .map(|els| {
                els.iter()
                    .filter(|e| !everything && e["value"].as_str().map(target) != Some(t))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !kept.is_empty() {
            let mut b = b.clone();
            b["elements"] = Value::Array(kept);
            actions.push(b);
        }
    }
    let who = format!("<@{}> · {}", src.user, escape(&src.label));
    out.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": who}]}));
    let answer = escape(answer);
    if !answer.is_empty() {
        for part in chunks(&answer, MAX_SECTION) {
            out.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": part}}));
        }
    }
    out.extend(actions);
    out
}

/// Shows the decision in the source message; replies that cannot be shown there (private
/// ones in a shared channel, ones with buttons of their own) are sent as messages, and so
/// is everything when the message cannot be updated.
pub async fn show(api: &Arc<SlackApi>, src: Source, inline: Vec<Outgoing>) {
    let caps = render::capabilities();
    let (mut shown, mut apart) = (Vec::new(), Vec::new());
    for o in &inline {
        let Ok(parts) = fit(&o.reply, &o.to, &caps) else {
            continue;
        };
        let hidden = o.reply.private && src.shared;
        for p in parts {
            if hidden || !p.buttons.is_empty() {
                apart.push(p);
            } else {
                shown.push(p);
            }
        }
    }
    let answer = shown
        .iter()
        .map(|f| f.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let blocks = decided_blocks(&src, &answer);
    let mut text = src.text.clone();
    for line in [
        escape(&src.label).into_owned(),
        escape(&answer).into_owned(),
    ] {
        if !line.is_empty() {
            text.push('\n');
            text.push_str(&line);
        }
    }
    let updated = match (&src.channel, &src.ts, &src.response_url) {
        (Some(channel), Some(ts), _) if !src.ephemeral => {
            let body = json!({"channel": channel, "ts": ts, "text": text, "blocks": blocks});
            api.update_json(&body).await
        }
        (_, _, Some(url)) => {
            let body = json!({"replace_original": true, "text": text, "blocks": blocks});
            api.respond(url, body.to_string().as_bytes()).await
        }
        _ => Err(ApiError::Permanent("no message to update".into())),
    };
    match updated {
        Ok(()) => invite_in_background(api, &shown),
        Err(e) => {
            tracing::warn!(error = %e, "could not update the pressed message; answering with a message");
            apart.extend(shown);
        }
    }
    for f in apart {
        send_soon(api, &f).await;
    }
}

async fn send_soon(api: &SlackApi, f: &Fitted) {
    let mut wait = Duration::from_secs(1);
    for _ in 0..SEND_TRIES {
        match deliver(api, f).await {
            Delivery::Sent { .. } => return,
            Delivery::Retry { after, error, .. } => {
                tracing::warn!(%error, "slack reply will be retried");
                tokio::time::sleep(after.unwrap_or(wait)).await;
                wait *= 2;
            }
            Delivery::Failed { error } => {
                tracing::warn!(%error, "slack reply failed");
                return;
            }
        }
    }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;
