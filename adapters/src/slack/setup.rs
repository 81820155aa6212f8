//! One call that turns a complete `[slack]` section into what the composition root mounts.

use super::api::SlackApi;
use super::config::SlackConfig;
use super::outbound::SlackOutbound;
use super::socket::{run_socket_mode, SocketOptions};
use super::state::SlackState;
use super::webhook::routes;
use crate::common::{Deps, SetupError, Wired};
use std::sync::Arc;

/// The outbox lane; HTTP routes when a signing secret is set; the Socket Mode loop when an
/// app token is set. auth.test runs first so the bot ignores its own posts; its failure is
/// not fatal (Slack may be down right now; own messages are then filtered by bot_id).
pub async fn build(cfg: &SlackConfig, deps: Deps) -> Result<Wired, SetupError> {
    let api = Arc::new(SlackApi::new(cfg).map_err(|e| SetupError::Client {
        platform: "slack",
        error: e.to_string(),
    })?);
    let rate = cfg.rate().map_err(|error| SetupError::Invalid {
        key: "slack.rate_per_second",
        error,
    })?;
    let mut wired = Wired::default();
    wired
        .outbounds
        .push(Arc::new(SlackOutbound::new(api.clone()).with_rate(rate)));
    let state = SlackState::new(cfg, deps.sink, api, deps.clock);
    if let Err(e) = state.identify().await {
        // Slack may be briefly unreachable: keep asking in the background.
        tracing::warn!(error = %e, "slack auth.test failed; retrying in the background");
        let (s, stop) = (state.clone(), deps.shutdown.clone());
        drop(tokio::spawn(async move {
            crate::common::startup::retry("slack auth.test", stop, || s.identify()).await
        }));
    }
    if cfg.signing_secret().is_some() {
        wired.router = routes(state.clone());
    }
    if cfg.socket_mode() {
        let shutdown = deps.shutdown;
        wired.tasks.push(tokio::spawn(async move {
            if let Err(e) = run_socket_mode(state, SocketOptions::default(), shutdown).await {
                tracing::error!(error = %e, "slack socket mode stopped");
            }
        }));
    }
    wired.on.push("slack");
    Ok(wired)
}
