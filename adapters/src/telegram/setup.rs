//! One call that turns a complete `[telegram]` section into what the composition root
//! mounts, and the start-up calls (getMe, setMyCommands, setWebhook).

use super::api::{self, SetupError};
use super::config::TelegramConfig;
use super::outbound::TelegramOutbound;
use super::poll::PollOptions;
use super::state::TelegramState;
use std::sync::Arc;
use teloxide::payloads::SetWebhookSetters;
use teloxide::requests::Requester;
use teloxide::types::AllowedUpdate;
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub struct Telegram {
    /// For `routes` (webhook mode) or `run_polling`.
    pub state: TelegramState,
    /// The outbox dispatcher's lane.
    pub outbound: TelegramOutbound,
    /// Webhook mode (a secret is configured); else long polling.
    pub webhook: bool,
    pub poll: PollOptions,
}

pub fn build(
    cfg: &TelegramConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
) -> Result<Telegram, SetupError> {
    let bot = api::bot(cfg)?;
    Ok(Telegram {
        state: TelegramState::new(bot.clone(), sink, kv.clone(), cfg.webhook_secret()),
        outbound: TelegramOutbound::new(bot, kv),
        webhook: cfg.webhook_mode(),
        poll: PollOptions {
            timeout: cfg.poll_timeout.min(u32::MAX as u64) as u32,
            ..PollOptions::default()
        },
    })
}

/// getMe, setMyCommands, and setWebhook when a public URL is configured. Failures are
/// logged: the bot still works (commands typed by hand, webhook set by the operator).
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
