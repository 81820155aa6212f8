//! Telling organizers what the adapter could not do (a WeChat user out of reach, a join
//! QR that could not be made): an app text to the organizers who are WeCom members
//! (`[roles] organizers` entries `wecom:<userid>`). Best effort and sent directly, not
//! through the outbox: the failure it reports is already recorded there.

use super::api::WecomApi;
use super::api::MAX_TOUSER;
use super::render::{split_bytes, TEXT_MAX_BYTES};
use serde_json::json;
use std::sync::Arc;

pub struct Notifier {
    api: Arc<WecomApi>,
    to: Vec<String>,
}

impl Notifier {
    /// `None` when there is nobody to tell.
    pub fn new(api: Arc<WecomApi>, organizers: Vec<String>) -> Option<Notifier> {
        let mut to: Vec<String> = organizers
            .into_iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
        to.sort();
        to.dedup();
        to.truncate(MAX_TOUSER);
        (!to.is_empty()).then_some(Notifier { api, to })
    }

    pub fn recipients(&self) -> &[String] {
        &self.to
    }

    pub async fn tell(&self, text: &str) {
        let Some(first) = split_bytes(text, TEXT_MAX_BYTES).into_iter().next() else {
            return;
        };
        let msg = json!({"msgtype": "text", "text": {"content": first}});
        match self.api.send_app(&self.to, &msg).await {
            Ok(r) if !r.invalid_users.is_empty() => {
                tracing::warn!(invalid = ?r.invalid_users, "some organizers could not be told")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not tell the organizers"),
        }
    }
}

/// The first `max` characters of `s`, with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}
