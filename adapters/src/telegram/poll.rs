//! Long polling: getUpdates with a durable offset (Kv `telegram:offset`), updates of one
//! chat in order, different chats concurrently; the offset moves on once a batch is
//! committed by the core, so a crash re-reads at most one batch (the core dedupes it by
//! `update_id`).

use super::state::TelegramState;
use futures::future::join_all;
use std::collections::BTreeMap;
use std::time::Duration;
use teloxide::payloads::{DeleteWebhookSetters, GetUpdatesSetters};
use teloxide::requests::Requester;
use teloxide::types::{AllowedUpdate, Update};
use teloxide::RequestError;
use tokio::sync::watch;
use yunqi_bot::ports::CoreError;

pub const OFFSET_KEY: &str = "telegram:offset";

#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Seconds Telegram holds a getUpdates call when nothing is pending.
    pub timeout: u32,
    /// First wait after a failed call; doubles up to `max_wait`.
    pub error_wait: Duration,
    pub max_wait: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            timeout: super::config::DEFAULT_POLL_TIMEOUT as u32,
            error_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// The chat an update belongs to: its order key.
fn chat_key(u: &Update) -> i64 {
    u.chat()
        .map(|c| c.id.0)
        .or_else(|| u.from().map(|f| f.id.0 as i64))
        .unwrap_or(0)
}

/// Hands a batch to the core: chats concurrently, each chat's updates in order.
/// `Err` only when the core has stopped.
pub async fn handle_batch(state: &TelegramState, updates: &[Update]) -> Result<(), CoreError> {
    let mut chats: BTreeMap<i64, Vec<&Update>> = BTreeMap::new();
    for u in updates {
        chats.entry(chat_key(u)).or_default().push(u);
    }
    let runs = chats.into_values().map(|list| async move {
        for u in list {
            match state.handle(u).await {
                Ok(()) => {}
                Err(CoreError::Stopped) => return Err(CoreError::Stopped),
                // The core has told the user; the update is not retried forever.
                Err(e) => tracing::warn!(error = %e, update = u.id.0, "telegram update failed"),
            }
        }
        Ok(())
    });
    join_all(runs).await.into_iter().collect()
}

async fn load_offset(state: &TelegramState) -> i32 {
    match state.kv().kv_get(OFFSET_KEY).await {
        Ok(Some(v)) => v.trim().parse().unwrap_or(0),
        Ok(None) => 0,
        Err(e) => {
            tracing::warn!(error = %e, "telegram offset unreadable; starting from Telegram's");
            0
        }
    }
}

/// Polls until `shutdown` turns true (or the core stops).
pub async fn run_polling(
    state: TelegramState,
    opts: PollOptions,
    mut shutdown: watch::Receiver<bool>,
) {
    let bot = state.bot().clone();
    // getUpdates fails with 409 while a webhook is set.
    if let Err(e) = bot.delete_webhook().drop_pending_updates(false).await {
        tracing::warn!(error = %e, "telegram deleteWebhook failed");
    }
    let mut offset = load_offset(&state).await;
    let mut wait = opts.error_wait;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let call = bot
            .get_updates()
            .offset(offset)
            .timeout(opts.timeout)
            .allowed_updates(vec![AllowedUpdate::Message, AllowedUpdate::CallbackQuery]);
        let got = tokio::select! {
            r = call => r,
            _ = shutdown.changed() => return,
        };
        let pause = match got {
            Ok(updates) => {
                wait = opts.error_wait;
                let Some(last) = updates.iter().map(|u| u.id.0).max() else {
                    continue;
                };
                if handle_batch(&state, &updates).await.is_err() {
                    tracing::warn!("the core has stopped; telegram polling ends");
                    return;
                }
                offset = last as i32 + 1;
                if let Err(e) = state.kv().kv_put(OFFSET_KEY, &offset.to_string()).await {
                    tracing::warn!(error = %e, "telegram offset not saved");
                }
                continue;
            }
            Err(RequestError::RetryAfter(s)) => s.duration(),
            Err(e) => {
                tracing::warn!(error = %e, "telegram getUpdates failed");
                let w = wait;
                wait = (wait * 2).min(opts.max_wait);
                w
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => return,
        }
    }
}
