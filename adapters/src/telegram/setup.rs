//! One call that turns a complete `[telegram]` section into what the composition root
//! mounts, and the start-up calls (getMe, setMyCommands, setWebhook).

use super::api;
use super::config::TelegramConfig;
use super::outbound::TelegramOutbound;
use super::poll::{run_polling, PollOptions};
use super::state::TelegramState;
use super::webhook::routes;
use crate::common::{Deps, SetupError, Wired};
use std::sync::Arc;
use teloxide::payloads::SetWebhookSetters;
use teloxide::requests::Requester;
use teloxide::types::AllowedUpdate;
use yunqi_bot::runtime::lease::while_held;

/// The outbox lane, and the webhook route (a secret is configured) or the long-polling
/// task. getMe and setMyCommands run in the background: they must not hold up start-up
/// when Telegram is slow.
pub async fn build(cfg: &TelegramConfig, deps: Deps) -> Result<Wired, SetupError> {
    let bot = api::bot(cfg)?;
    let state = TelegramState::new(
        bot.clone(),
        deps.sink,
        deps.kv.clone(),
        cfg.webhook_secret(),
    );
    let mut wired = Wired::default();
    wired
        .outbounds
        .push(Arc::new(TelegramOutbound::new(bot, deps.kv)));
    let (setup, started, stop) = (cfg.clone(), state.clone(), deps.shutdown.clone());
    drop(tokio::spawn(async move {
        start_retrying(&started, &setup, stop).await
    }));
    if cfg.webhook_mode() {
        wired.router = routes(state);
    } else {
        let poll = PollOptions {
            timeout: cfg.poll_timeout.min(u32::MAX as u64) as u32,
            ..PollOptions::default()
        };
        // Only the leader polls: two getUpdates callers would take each other's updates.
        let term = move |stop| vec![tokio::spawn(run_polling(state.clone(), poll.clone(), stop))];
        wired
            .tasks
            .push(tokio::spawn(while_held(deps.leader, deps.shutdown, term)));
    }
    wired.on.push("telegram");
    Ok(wired)
}

/// Like [`start`], each call retried with backoff until it succeeds (or shutdown): a
/// Telegram briefly unreachable at start-up must not leave the menu unregistered.
pub async fn start_retrying(
    state: &TelegramState,
    cfg: &TelegramConfig,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    use crate::common::startup::retry;
    let stop = shutdown.clone();
    if retry("telegram getMe", stop, || state.identify())
        .await
        .is_none()
    {
        return;
    }
    let stop = shutdown.clone();
    if retry("telegram setMyCommands", stop, || state.register_commands())
        .await
        .is_none()
    {
        return;
    }
    if let (Some(url), Some(secret)) = (cfg.webhook_url(), cfg.webhook_secret()) {
        let Ok(url) = reqwest::Url::parse(url) else {
            tracing::warn!(url, "[telegram] webhook_url is not a URL");
            return;
        };
        retry("telegram setWebhook", shutdown, || {
            let req = state
                .bot()
                .set_webhook(url.clone())
                .secret_token(secret.to_string())
                .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
            std::future::IntoFuture::into_future(req)
        })
        .await;
    }
}

/// getMe, setMyCommands, and setWebhook when a public URL is configured, each tried once.
/// Failures are logged: the bot still works (commands typed by hand, webhook set by the
/// operator).
pub async fn start(state: &TelegramState, cfg: &TelegramConfig) {
    if let Err(e) = state.identify().await {
        tracing::warn!(error = %e, "telegram getMe failed");
    }
    if let Err(e) = state.register_commands().await {
        tracing::warn!(error = %e, "telegram setMyCommands failed");
    }
    if let (Some(url), Some(secret)) = (cfg.webhook_url(), cfg.webhook_secret()) {
        let Ok(url) = reqwest::Url::parse(url) else {
            tracing::warn!(url, "[telegram] webhook_url is not a URL");
            return;
        };
        let set = state
            .bot()
            .set_webhook(url)
            .secret_token(secret.to_string())
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery])
            .await;
        if let Err(e) = set {
            tracing::warn!(error = %e, "telegram setWebhook failed");
        }
    }
}
