//! Turns on every adapter whose config section is complete: its webhook routes, its
//! sending side for the outbox dispatcher, and any background task it needs.

use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_adapters::common::Deps;
use yunqi_adapters::common::Wired;
use yunqi_adapters::{discord, slack, telegram, wecom};
use yunqi_bot::ports::{EventSink, Kv};
use yunqi_bot::{Platform, UserRef};
use yunqi_storage::AppStore;

/// A section of the merged configuration, deserialized into an adapter's config type.
pub(crate) fn section<T: serde::de::DeserializeOwned + Default, S: AppStore>(
    app: &App<S>,
    name: &str,
) -> Result<T> {
    match app.table.get(name) {
        Some(v) => Ok(v.clone().try_into()?),
        None => Ok(T::default()),
    }
}

/// Builds one adapter when its section is complete; the `?` context names the section.
macro_rules! adapter {
    ($w:ident, $app:ident, $deps:ident, $name:literal, $platform:ident :: $cfg:ident) => {{
        let cfg: $platform::$cfg = section($app, $name).context(concat!("[", $name, "]"))?;
        if cfg.is_complete() {
            let wired = $platform::build(&cfg, $deps.clone())
                .await
                .context(concat!("[", $name, "]"))?;
            $w.merge(wired);
        }
    }};
}

/// `leader` is true while this replica holds the leader lease (polling, the gateway).
pub async fn wire<S: AppStore>(
    app: &App<S>,
    shutdown: watch::Receiver<bool>,
    leader: watch::Receiver<bool>,
) -> Result<Wired> {
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let kv: Arc<dyn Kv> = app.store.clone();
    let deps = Deps {
        sink,
        kv,
        clock: app.clock.clone(),
        shutdown,
        organizers: organizers(&app.settings.roles.organizers),
        leader,
    };
    let mut w = Wired::default();
    adapter!(w, app, deps, "wecom", wecom::WecomConfig);
    adapter!(w, app, deps, "slack", slack::SlackConfig);
    adapter!(w, app, deps, "telegram", telegram::TelegramConfig);
    adapter!(w, app, deps, "discord", discord::DiscordConfig);
    Ok(w)
}

/// `[roles] organizers` entries (`wecom:zhangsan`); the adapters pick their platform's.
fn organizers(organizers: &[String]) -> Vec<UserRef> {
    organizers
        .iter()
        .filter_map(|o| UserRef::parse_with_default(o, Platform::Console))
        .collect()
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
