//! The `[wecom]` config section. Key names are pinned: operators write them in TOML and
//! environment variables (`YUNQI_WECOM__CORP_ID`, …).

use crate::common::config::{redact, set};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// Where WeCom's HTTPS APIs live; tests point this at a fake on 127.0.0.1.
pub const DEFAULT_API_BASE: &str = "https://qyapi.weixin.qq.com";

#[derive(Deserialize, Clone, PartialEq, Eq)]
#[serde(default)]
pub struct WecomConfig {
    /// CorpID (`ww…`): the receiveid inside every callback and the `gettoken` corpid.
    // Every value may come from an environment variable, where `123456` reads as a number:
    // each key takes a number as well as a string.
    #[serde(deserialize_with = "string_or_number")]
    pub corp_id: Option<String>,
    /// AgentID of the self-built app; TOML may give it as a number or a string.
    #[serde(deserialize_with = "string_or_number")]
    pub agent_id: Option<String>,
    /// The app's secret, used only for `gettoken`.
    #[serde(deserialize_with = "string_or_number")]
    pub secret: Option<String>,
    /// Callback Token (signatures only).
    #[serde(deserialize_with = "string_or_number")]
    pub token: Option<String>,
    /// Callback EncodingAESKey, 43 characters.
    #[serde(deserialize_with = "string_or_number")]
    pub encoding_aes_key: Option<String>,
    pub api_base: String,
    /// Group robot: the full webhook URL, or only its `key`.
    #[serde(deserialize_with = "string_or_number")]
    pub robot_webhook: Option<String>,
    /// The 微信客服 account replies are sent from.
    #[serde(deserialize_with = "string_or_number")]
    pub kf_open_kfid: Option<String>,
}

impl Default for WecomConfig {
    fn default() -> Self {
        WecomConfig {
            corp_id: None,
            agent_id: None,
            secret: None,
            token: None,
            encoding_aes_key: None,
            api_base: DEFAULT_API_BASE.to_string(),
            robot_webhook: None,
            kf_open_kfid: None,
        }
    }
}

impl WecomConfig {
    /// Enough to verify callbacks and call the API: the adapter is on.
    pub fn is_complete(&self) -> bool {
        set(&self.corp_id).is_some()
            && set(&self.secret).is_some()
            && set(&self.token).is_some()
            && set(&self.encoding_aes_key).is_some()
    }

    /// The AgentID as the integer `message/send` wants.
    pub fn agent_id_number(&self) -> Option<i64> {
        self.agent_id.as_deref().and_then(|s| s.trim().parse().ok())
    }

    /// The robot webhook as a full URL (a bare key is appended to the API base).
    pub fn robot_url(&self) -> Option<String> {
        let w = self
            .robot_webhook
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())?;
        if w.starts_with("http://") || w.starts_with("https://") {
            Some(w.to_string())
        } else {
            Some(format!(
                "{}/cgi-bin/webhook/send?key={w}",
                self.api_base.trim_end_matches('/')
            ))
        }
    }
}

// Secrets never reach a log line, so Debug is written by hand.
impl fmt::Debug for WecomConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomConfig")
            .field("corp_id", &self.corp_id)
            .field("agent_id", &self.agent_id)
            .field("secret", &redact(&self.secret))
            .field("token", &redact(&self.token))
            .field("encoding_aes_key", &redact(&self.encoding_aes_key))
            .field("api_base", &self.api_base)
            .field("robot_webhook", &redact(&self.robot_webhook))
            .field("kf_open_kfid", &self.kf_open_kfid)
            .finish()
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        N(i64),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|r| match r {
        Raw::S(s) => s,
        Raw::N(n) => n.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> WecomConfig {
        WecomConfig {
            corp_id: Some("ww1".into()),
            agent_id: Some("1000002".into()),
            secret: Some("very-secret".into()),
            token: Some("tok-123".into()),
            encoding_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()),
            robot_webhook: Some("robot-key-1".into()),
            ..WecomConfig::default()
        }
    }

    #[test]
    fn the_config_is_complete_only_with_corp_id_secret_token_and_key() {
        assert!(full().is_complete());
        assert!(!WecomConfig::default().is_complete());
        for strip in 0..4 {
            let mut c = full();
            match strip {
                0 => c.corp_id = None,
                1 => c.secret = Some("  ".into()),
                2 => c.token = None,
                _ => c.encoding_aes_key = None,
            }
            assert!(!c.is_complete(), "{strip}");
        }
    }

    #[test]
    fn debug_output_never_shows_secret_token_key_or_robot_key() {
        let s = format!("{:?}", full());
        for secret in ["very-secret", "tok-123", "abcdefghijklmnop", "robot-key-1"] {
            assert!(!s.contains(secret), "{s}");
        }
        assert!(s.contains("ww1"));
    }

    #[test]
    fn missing_keys_take_defaults_and_agent_id_may_be_a_number() {
        let c: WecomConfig =
            serde_json::from_str(r#"{"corp_id":"ww1","agent_id":1000002}"#).unwrap();
        assert_eq!(c.api_base, DEFAULT_API_BASE);
        assert_eq!(c.agent_id_number(), Some(1000002));
        let c: WecomConfig = serde_json::from_str(r#"{"agent_id":"42"}"#).unwrap();
        assert_eq!(c.agent_id_number(), Some(42));
    }

    #[test]
    fn a_numeric_token_from_the_environment_is_still_a_token() {
        // YUNQI_WECOM__TOKEN=123456 arrives as a TOML integer
        let c: WecomConfig =
            serde_json::from_str(r#"{"token":123456,"secret":"s","corp_id":"ww1"}"#).unwrap();
        assert_eq!(c.token.as_deref(), Some("123456"));
    }

    #[test]
    fn a_bare_robot_key_becomes_a_webhook_url_on_the_api_base() {
        let c = full();
        assert_eq!(
            c.robot_url().as_deref(),
            Some("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-1")
        );
        let c = WecomConfig {
            robot_webhook: Some("http://127.0.0.1:9/hook?key=k".into()),
            ..full()
        };
        assert_eq!(
            c.robot_url().as_deref(),
            Some("http://127.0.0.1:9/hook?key=k")
        );
    }
}
