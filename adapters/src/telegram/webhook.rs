//! Webhook mode: `POST /webhooks/telegram`. The secret token header is checked before the
//! body is read as an update; a wrong or missing one is 401 with no effect.

use super::state::TelegramState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::time::Duration;
use teloxide::types::Update;
use tokio::time::timeout;

pub const WEBHOOK_PATH: &str = "/webhooks/telegram";
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// How long a delivery waits for the core before Telegram gets its 200 anyway.
pub const ACK_WAIT: Duration = Duration::from_secs(5);

pub fn routes(state: TelegramState) -> Router {
    Router::new()
        .route(WEBHOOK_PATH, post(webhook))
        .with_state(state)
}

async fn webhook(
    State(state): State<TelegramState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if !state.check_secret(headers.get(SECRET_HEADER).map(|v| v.as_bytes())) {
        tracing::warn!("telegram webhook refused: wrong or missing secret token");
        return StatusCode::UNAUTHORIZED;
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "telegram webhook body is not an update");
            return StatusCode::BAD_REQUEST;
        }
    };
    let s = state.clone();
    let mut work = tokio::spawn(async move { s.handle(&update).await });
    match timeout(ACK_WAIT, &mut work).await {
        Ok(Ok(Ok(()))) => StatusCode::OK,
        // Not marked seen: Telegram delivers it again and the retry can succeed.
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "telegram update not handled; asking for a retry");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "telegram update handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        // Still running: it finishes in the background.
        Err(_) => StatusCode::OK,
    }
}
