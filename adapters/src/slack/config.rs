//! The `[slack]` config section. Pinned key names: bot_token, signing_secret, app_token,
//! api_base, command.

use crate::common::config::{redact, set};
use serde::Deserialize;
use std::fmt;

pub const DEFAULT_API_BASE: &str = "https://slack.com/api";
pub const DEFAULT_COMMAND: &str = "/yunqi";
/// Messages a second the outbox lane sends in all (every channel together): Slack's
/// workspace-wide limit on posting is not published; ten a second stays well inside it.
pub const DEFAULT_RATE: f64 = 10.0;
/// Above this a "rate" is a typo, not a plan Slack would allow.
const MAX_RATE: f64 = 1000.0;

#[derive(Deserialize, Clone, PartialEq)]
#[serde(default)]
pub struct SlackConfig {
    /// `xoxb-…`: every Web API call.
    pub bot_token: Option<String>,
    /// Verifies HTTP deliveries (Events API, slash commands, interactivity).
    pub signing_secret: Option<String>,
    /// `xapp-…`: Socket Mode; when set, events arrive over the socket instead of HTTP.
    pub app_token: Option<String>,
    /// Web API base, e.g. `http://127.0.0.1:PORT/api` for a fake.
    pub api_base: String,
    /// The one slash command the app registers; `/yunqi register 1` = `/register 1`.
    pub command: String,
    /// Messages a second in all, across channels and replicas (one replica sends at a time).
    pub rate_per_second: f64,
}

// Written by hand rather than derived: a derived Default would leave api_base empty.
impl Default for SlackConfig {
    fn default() -> Self {
        SlackConfig {
            bot_token: None,
            signing_secret: None,
            app_token: None,
            api_base: DEFAULT_API_BASE.to_string(),
            command: DEFAULT_COMMAND.to_string(),
            rate_per_second: DEFAULT_RATE,
        }
    }
}

impl SlackConfig {
    /// The adapter is on: it can send, and it can receive over HTTP or Socket Mode.
    pub fn is_complete(&self) -> bool {
        self.bot_token().is_some()
            && (self.signing_secret().is_some() || self.app_token().is_some())
    }
    pub fn bot_token(&self) -> Option<&str> {
        set(&self.bot_token)
    }
    pub fn signing_secret(&self) -> Option<&str> {
        set(&self.signing_secret)
    }
    pub fn app_token(&self) -> Option<&str> {
        set(&self.app_token)
    }
    /// Socket Mode is used when an app-level token is configured.
    pub fn socket_mode(&self) -> bool {
        self.app_token().is_some()
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
    /// `rate_per_second` if it is a usable rate (more than 0, at most 1000).
    pub fn rate(&self) -> Result<f64, String> {
        let r = self.rate_per_second;
        if r.is_finite() && r > 0.0 && r <= MAX_RATE {
            Ok(r)
        } else {
            Err(format!(
                "{r}: give messages per second, more than 0 and at most {MAX_RATE}"
            ))
        }
    }
    /// The configured command with its leading `/`, lower-cased as Slack sends it.
    pub fn command_name(&self) -> String {
        let c = self.command.trim().trim_start_matches('/');
        if c.is_empty() {
            DEFAULT_COMMAND.to_string()
        } else {
            format!("/{}", c.to_lowercase())
        }
    }
}

/// Secrets never reach a log: only whether they are set.
impl fmt::Debug for SlackConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackConfig")
            .field("bot_token", &redact(&self.bot_token))
            .field("signing_secret", &redact(&self.signing_secret))
            .field("app_token", &redact(&self.app_token))
            .field("api_base", &self.api_base)
            .field("command", &self.command)
            .field("rate_per_second", &self.rate_per_second)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(bot: Option<&str>, secret: Option<&str>, app: Option<&str>) -> SlackConfig {
        SlackConfig {
            bot_token: bot.map(Into::into),
            signing_secret: secret.map(Into::into),
            app_token: app.map(Into::into),
            ..SlackConfig::default()
        }
    }

    #[test]
    fn missing_keys_take_the_documented_defaults() {
        let c: SlackConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c.api_base, "https://slack.com/api");
        assert_eq!(c.command, "/yunqi");
        assert_eq!(c, SlackConfig::default());
        assert!(!c.is_complete());
    }

    #[test]
    fn the_adapter_is_complete_with_a_bot_token_and_a_way_to_receive() {
        let cases = [
            (cfg(Some("xoxb-1"), Some("s"), None), true),
            (cfg(Some("xoxb-1"), None, Some("xapp-1")), true),
            (cfg(Some("xoxb-1"), Some("s"), Some("xapp-1")), true),
            (cfg(Some("xoxb-1"), None, None), false),
            (cfg(None, Some("s"), Some("xapp-1")), false),
            (cfg(Some("  "), Some("s"), None), false),
            (cfg(Some("xoxb-1"), Some(""), None), false),
        ];
        for (c, want) in cases {
            assert_eq!(c.is_complete(), want, "{c:?}");
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let c = cfg(
            Some("xoxb-very-secret"),
            Some("signing-very-secret"),
            Some("xapp-very-secret"),
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert!(format!("{:?}", SlackConfig::default()).contains("<unset>"));
    }

    #[test]
    fn api_base_and_command_are_normalised() {
        let c = SlackConfig {
            api_base: "http://127.0.0.1:9/api/".into(),
            command: "Yunqi".into(),
            ..SlackConfig::default()
        };
        assert_eq!(c.api_base(), "http://127.0.0.1:9/api");
        assert_eq!(c.command_name(), "/yunqi");
        assert_eq!(SlackConfig::default().command_name(), "/yunqi");
    }

    #[test]
    fn the_rate_must_be_a_usable_number_of_messages_a_second() {
        let c: SlackConfig = serde_json::from_str(r#"{"rate_per_second": 50}"#).unwrap();
        assert_eq!(c.rate(), Ok(50.0));
        assert_eq!(SlackConfig::default().rate(), Ok(DEFAULT_RATE));
        for bad in [0.0, -1.0, 1e9, f64::NAN, f64::INFINITY] {
            let c = SlackConfig {
                rate_per_second: bad,
                ..SlackConfig::default()
            };
            assert!(c.rate().is_err(), "{bad} was accepted");
        }
    }
}
