//! Adapter configs pointing at the test kit's fake servers (one fake per platform).

#[cfg(feature = "wecom")]
pub mod wecom {
    use std::sync::Arc;
    pub use testkit::wecom::*;
    use yunqi_adapters::wecom::WecomConfig;

    /// Starts the fake; the config points at it.
    pub async fn start() -> (Arc<Fake>, WecomConfig) {
        let fake = Fake::start().await;
        let cfg = WecomConfig {
            corp_id: Some(CORP.into()),
            agent_id: Some(AGENT_ID.into()),
            secret: Some(SECRET.into()),
            token: Some(TOKEN.into()),
            encoding_aes_key: Some(AES_KEY.into()),
            robot_webhook: Some(ROBOT_KEY.into()),
            kf_open_kfid: Some(KFID.into()),
            api_base: fake.base.clone(),
        };
        (fake, cfg)
    }
}

#[cfg(feature = "slack")]
pub mod slack {
    use std::time::Duration;
    pub use testkit::slack::*;

    /// Every Slack adapter test is bounded by this.
    pub const LIMIT: Duration = Duration::from_secs(10);
}

#[cfg(feature = "telegram")]
pub mod telegram {
    use std::sync::Arc;
    pub use testkit::telegram::*;
    use yunqi_adapters::telegram::TelegramConfig;

    /// Starts the fake; the config points at it and long-polls for a second.
    pub async fn start() -> (Arc<Fake>, TelegramConfig) {
        let fake = Fake::start().await;
        let cfg = TelegramConfig {
            token: Some(TOKEN.into()),
            api_base: fake.base.clone(),
            poll_timeout: 1,
            ..TelegramConfig::default()
        };
        (fake, cfg)
    }
}

#[cfg(feature = "discord")]
pub mod discord {
    use std::sync::Arc;
    pub use testkit::discord::*;
    use yunqi_adapters::discord::DiscordConfig;

    /// Starts the fake (REST and gateway); the config points at it.
    pub async fn start() -> (Arc<Fake>, DiscordConfig) {
        let fake = Fake::start().await;
        let cfg = DiscordConfig {
            token: Some(TOKEN.into()),
            application_id: Some(APP.into()),
            api_base: Some(fake.base.clone()),
            guild_id: Some(GUILD.into()),
            ..DiscordConfig::default()
        };
        (fake, cfg)
    }
}
