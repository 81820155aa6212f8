//! The `[telegram]` config section. Pinned keys: token, api_base, webhook_secret; optional
//! extras: webhook_url (the bot then calls setWebhook itself) and poll_timeout.

use crate::common::config::{redact, set};
use serde::Deserialize;
use std::fmt;

pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";
/// Seconds a getUpdates call is held open by Telegram when nothing is pending.
pub const DEFAULT_POLL_TIMEOUT: u64 = 25;

#[derive(Deserialize, Clone, PartialEq, Eq)]
#[serde(default)]
pub struct TelegramConfig {
    /// The bot token from @BotFather (`123456:ABC…`).
    pub token: Option<String>,
    /// Bot API base, e.g. `http://127.0.0.1:PORT` for a fake or a local Bot API server.
    pub api_base: String,
    /// Webhook mode: updates arrive at `POST /webhooks/telegram` carrying this secret in
    /// `X-Telegram-Bot-Api-Secret-Token`. Unset: long polling with getUpdates.
    pub webhook_secret: Option<String>,
    /// The public HTTPS URL of `/webhooks/telegram`; when set (with a secret) the bot
    /// registers it with setWebhook at start-up. Unset: register it yourself.
    pub webhook_url: Option<String>,
    /// getUpdates long-poll timeout in seconds.
    pub poll_timeout: u64,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig {
            token: None,
            api_base: DEFAULT_API_BASE.to_string(),
            webhook_secret: None,
            webhook_url: None,
            poll_timeout: DEFAULT_POLL_TIMEOUT,
        }
    }
}

impl TelegramConfig {
    /// The adapter is on once a token is set (polling needs nothing else).
    pub fn is_complete(&self) -> bool {
        self.token().is_some()
    }
    pub fn token(&self) -> Option<&str> {
        set(&self.token)
    }
    pub fn webhook_secret(&self) -> Option<&str> {
        set(&self.webhook_secret)
    }
    pub fn webhook_url(&self) -> Option<&str> {
        set(&self.webhook_url)
    }
    /// Webhook mode when a secret is configured, else long polling.
    pub fn webhook_mode(&self) -> bool {
        self.webhook_secret().is_some()
    }
    /// `api_base` without a trailing slash.
    pub fn api_base(&self) -> &str {
        let b = self.api_base.trim().trim_end_matches('/');
        if b.is_empty() {
            DEFAULT_API_BASE
        } else {
            b
        }
    }
}

/// Secrets never reach a log: only whether they are set.
impl fmt::Debug for TelegramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramConfig")
            .field("token", &redact(&self.token))
            .field("api_base", &self.api_base)
            .field("webhook_secret", &redact(&self.webhook_secret))
            .field("webhook_url", &self.webhook_url)
            .field("poll_timeout", &self.poll_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_take_the_documented_defaults() {
        let c: TelegramConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c, TelegramConfig::default());
        assert_eq!(c.api_base(), "https://api.telegram.org");
        assert!(!c.is_complete());
        assert!(!c.webhook_mode());
    }

    #[test]
    fn a_token_turns_the_adapter_on_and_a_secret_selects_webhook_mode() {
        let c = TelegramConfig {
            token: Some("1:abc".into()),
            api_base: "http://127.0.0.1:9/".into(),
            ..TelegramConfig::default()
        };
        assert!(c.is_complete());
        assert!(!c.webhook_mode());
        assert_eq!(c.api_base(), "http://127.0.0.1:9");
        let w = TelegramConfig {
            webhook_secret: Some("s3cret".into()),
            ..c
        };
        assert!(w.webhook_mode());
        let blank = TelegramConfig {
            token: Some("  ".into()),
            ..TelegramConfig::default()
        };
        assert!(!blank.is_complete());
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let c = TelegramConfig {
            token: Some("123:very-secret".into()),
            webhook_secret: Some("also-very-secret".into()),
            ..TelegramConfig::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }
}
