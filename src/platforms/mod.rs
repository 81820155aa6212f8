//! Turns on every adapter whose config section is complete: its webhook routes, its
//! sending side for the outbox dispatcher, and any background task it needs.

mod discord;
mod slack;
mod telegram;
mod wecom;

use crate::app::App;
use anyhow::Result;
use axum::Router;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use yunqi_bot::ports::Outbound;

#[derive(Default)]
pub struct Wired {
    pub router: Router,
    pub outbounds: Vec<Arc<dyn Outbound>>,
    pub tasks: Vec<JoinHandle<()>>,
    /// Names of the platforms turned on, for the start-up log.
    pub on: Vec<&'static str>,
}

/// A section of the merged configuration, deserialized into an adapter's config type.
pub(crate) fn section<T: serde::de::DeserializeOwned + Default>(
    app: &App,
    name: &str,
) -> Result<T> {
    match app.table.get(name) {
        Some(v) => Ok(v.clone().try_into()?),
        None => Ok(T::default()),
    }
}

pub async fn wire(app: &App, shutdown: watch::Receiver<bool>) -> Result<Wired> {
    let mut w = Wired::default();
    wecom::wire(app, &mut w)?;
    slack::wire(app, &mut w, shutdown.clone()).await?;
    telegram::wire(app, &mut w, shutdown.clone())?;
    discord::wire(app, &mut w, shutdown.clone()).await?;
    Ok(w)
}

#[cfg(test)]
mod tests {
    use yunqi_adapters::{
        discord::DiscordConfig, slack::SlackConfig, telegram::TelegramConfig, wecom::WecomConfig,
    };

    #[test]
    fn every_platform_section_of_the_example_file_parses_and_is_off_without_credentials() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/example.toml");
        let table = crate::settings::load_table(Some(path), std::iter::empty()).unwrap();
        let get = |name: &str| {
            table
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("[{name}] in example.toml"))
        };
        assert!(!get("wecom")
            .try_into::<WecomConfig>()
            .unwrap()
            .is_complete());
        assert!(!get("slack")
            .try_into::<SlackConfig>()
            .unwrap()
            .is_complete());
        let tg: TelegramConfig = get("telegram").try_into().unwrap();
        assert_eq!(tg.poll_timeout, 30);
        let dc: DiscordConfig = get("discord").try_into().unwrap();
        assert!(!dc.message_content);
    }
}
