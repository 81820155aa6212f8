//! Slack (and Slack-compatible workspaces): Events API, commands, interactivity over HTTP,
//! or Socket Mode when an app token is set.

use super::{section, Wired};
use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_adapters::slack::{
    routes, run_socket_mode, SlackApi, SlackConfig, SlackOutbound, SlackState, SocketOptions,
};
use yunqi_bot::runtime::EventSink;

pub async fn wire(app: &App, w: &mut Wired, shutdown: watch::Receiver<bool>) -> Result<()> {
    let cfg: SlackConfig = section(app, "slack").context("[slack]")?;
    if !cfg.is_complete() {
        return Ok(());
    }
    let api = Arc::new(SlackApi::new(&cfg).context("[slack]")?);
    w.outbounds.push(Arc::new(SlackOutbound::new(api.clone())));
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let state = SlackState::new(&cfg, sink, api, app.clock.clone());
    if let Err(e) = state.identify().await {
        // Not fatal: Slack may be down right now; own messages are then filtered by bot_id.
        tracing::warn!(error = %e, "slack auth.test failed");
    }
    if cfg.signing_secret().is_some() {
        w.router = std::mem::take(&mut w.router).merge(routes(state.clone()));
    }
    if cfg.socket_mode() {
        w.tasks.push(tokio::spawn(async move {
            if let Err(e) = run_socket_mode(state, SocketOptions::default(), shutdown).await {
                tracing::error!(error = %e, "slack socket mode stopped");
            }
        }));
    }
    w.on.push("slack");
    Ok(())
}
