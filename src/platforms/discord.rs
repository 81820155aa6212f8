//! Discord: the serenity gateway (slash commands, buttons, messages) and REST out.

use super::{section, Wired};
use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_adapters::discord::{self, DiscordConfig};
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub async fn wire(app: &App, w: &mut Wired, shutdown: watch::Receiver<bool>) -> Result<()> {
    let cfg: DiscordConfig = section(app, "discord").context("[discord]")?;
    if !cfg.is_complete() {
        return Ok(());
    }
    if cfg.api_base().is_some() {
        tracing::warn!("[discord] api_base is set: serenity's rate limiter is off, 429s are retried by the outbox");
    }
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let kv: Arc<dyn Kv> = app.store.clone();
    let d = discord::build(&cfg, sink, kv).await.context("[discord]")?;
    w.outbounds.push(Arc::new(d.outbound));
    w.tasks.push(tokio::spawn(discord::run(d.client, shutdown)));
    w.on.push("discord");
    Ok(())
}
