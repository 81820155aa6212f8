//! The `[discord]` config section. Pinned keys: token, application_id, api_base,
//! gateway_url; optional extras: guild_id (commands registered to one guild at once, the
//! guild of bare role ids) and message_content (the privileged intent).

use crate::common::config::{redact, set};
use serde::{Deserialize, Deserializer};
use std::fmt;

#[derive(Deserialize, Clone, Default, PartialEq, Eq)]
#[serde(default)]
pub struct DiscordConfig {
    /// The bot token from the Developer Portal.
    pub token: Option<String>,
    /// The application's id (a snowflake; a number or a string).
    #[serde(deserialize_with = "snowflake")]
    pub application_id: Option<String>,
    /// REST base for a fake or a proxy, e.g. `http://127.0.0.1:PORT`; requests go to
    /// `<api_base>/api/v10/…`. Setting it turns serenity's rate limiter off (it ignores a
    /// proxy otherwise): 429s then come back through the outbox. Unset in production.
    pub api_base: Option<String>,
    /// Gateway WebSocket URL overriding the one `GET /gateway` returns (fakes).
    pub gateway_url: Option<String>,
    /// Register the slash commands in this guild only (immediate) instead of globally;
    /// also the guild of a salon's bare `discord_role_id`.
    #[serde(deserialize_with = "snowflake")]
    pub guild_id: Option<String>,
    /// Ask for the privileged MESSAGE_CONTENT intent (enable it in the Developer Portal
    /// first): needed only to read plain messages in guild channels. Slash commands,
    /// buttons and direct messages work without it.
    pub message_content: bool,
}

fn snowflake<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        N(u64),
        S(String),
    }
    Ok(match Option::<Id>::deserialize(d)? {
        Some(Id::N(n)) => Some(n.to_string()),
        Some(Id::S(s)) => Some(s),
        None => None,
    })
}

impl DiscordConfig {
    /// On with a token and an application id.
    pub fn is_complete(&self) -> bool {
        self.token().is_some() && self.application_id().is_some()
    }
    pub fn token(&self) -> Option<&str> {
        set(&self.token)
    }
    pub fn application_id(&self) -> Option<u64> {
        set(&self.application_id).and_then(|s| s.parse().ok())
    }
    pub fn guild_id(&self) -> Option<u64> {
        set(&self.guild_id).and_then(|s| s.parse().ok())
    }
    /// The origin that replaces `https://discord.com`, without `/api/v10` or a slash.
    pub fn api_base(&self) -> Option<&str> {
        set(&self.api_base).map(|b| {
            let b = b.trim_end_matches('/');
            let b = b.strip_suffix("/api/v10").unwrap_or(b);
            b.strip_suffix("/api").unwrap_or(b)
        })
    }
    pub fn gateway_url(&self) -> Option<&str> {
        set(&self.gateway_url)
    }
}

/// The token never reaches a log.
impl fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscordConfig")
            .field("token", &redact(&self.token))
            .field("application_id", &self.application_id)
            .field("api_base", &self.api_base)
            .field("gateway_url", &self.gateway_url)
            .field("guild_id", &self.guild_id)
            .field("message_content", &self.message_content)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_may_be_numbers_or_strings_and_the_api_base_is_normalised() {
        let c: DiscordConfig = serde_json::from_str(
            r#"{"token":"t","application_id":900000000000000001,"guild_id":"7","api_base":"http://127.0.0.1:9/api/v10/"}"#,
        )
        .unwrap();
        assert!(c.is_complete());
        assert_eq!(c.application_id(), Some(900000000000000001));
        assert_eq!(c.guild_id(), Some(7));
        assert_eq!(c.api_base(), Some("http://127.0.0.1:9"));
        assert!(!c.message_content);
    }

    #[test]
    fn a_token_alone_is_not_enough_and_debug_hides_it() {
        let c = DiscordConfig {
            token: Some("very-secret".into()),
            ..DiscordConfig::default()
        };
        assert!(!c.is_complete());
        assert!(!format!("{c:?}").contains("very-secret"));
    }
}
