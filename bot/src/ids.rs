//! Opaque identities. The core never interprets a platform's user id.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" | "中文" | "汉语" => Some(Locale::Zh),
            "en" | "en-us" | "en-gb" | "english" | "英文" | "英语" => Some(Locale::En),
            _ => None,
        }
    }
    /// From a platform's language code (`en-US`, `zh-hans`); `None` when unknown.
    pub fn from_hint(code: &str) -> Option<Locale> {
        let c = code.to_lowercase();
        if c.starts_with("zh") {
            Some(Locale::Zh)
        } else if c.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }
}

/// A chat platform. Closed on purpose: each one has an adapter and a lane in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Console,
    /// WeCom members of the organisation (self-built app).
    Wecom,
    /// Public WeChat users reached through WeCom 微信客服 (kf).
    Wechat,
    Slack,
    Telegram,
    Discord,
}

impl Platform {
    pub const ALL: [Platform; 6] = [
        Platform::Console,
        Platform::Wecom,
        Platform::Wechat,
        Platform::Slack,
        Platform::Telegram,
        Platform::Discord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Wecom => "wecom",
            Platform::Wechat => "wechat",
            Platform::Slack => "slack",
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One account on one platform: `(platform, id)`, written `platform:id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserRef {
    pub platform: Platform,
    pub id: String,
}

impl UserRef {
    pub fn new(platform: Platform, id: impl Into<String>) -> Self {
        UserRef {
            platform,
            id: id.into(),
        }
    }

    /// Parses `platform:id`, or a bare `id` on `default_platform`.
    pub fn parse_with_default(s: &str, default_platform: Platform) -> Option<UserRef> {
        let s = s.trim().trim_start_matches('@');
        if s.is_empty() {
            return None;
        }
        if let Some((p, id)) = s.split_once(':') {
            if let Some(platform) = Platform::parse(p) {
                return (!id.is_empty()).then(|| UserRef::new(platform, id));
            }
        }
        Some(UserRef::new(default_platform, s))
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.id)
    }
}

macro_rules! id_type {
    ($name:ident) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(MemberId);
id_type!(SalonId);
id_type!(RegistrationId);
id_type!(OutboxId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_id_takes_the_default_platform_and_a_prefixed_one_its_own() {
        let cases = [
            ("alice", Some(UserRef::new(Platform::Console, "alice"))),
            ("@alice", Some(UserRef::new(Platform::Console, "alice"))),
            ("slack:U0123", Some(UserRef::new(Platform::Slack, "U0123"))),
            (
                "WECOM:zhangsan",
                Some(UserRef::new(Platform::Wecom, "zhangsan")),
            ),
            // an unknown prefix is part of the id
            ("foo:bar", Some(UserRef::new(Platform::Console, "foo:bar"))),
            ("slack:", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                UserRef::parse_with_default(input, Platform::Console),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn every_platform_name_round_trips() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()), Some(p));
        }
    }
}
