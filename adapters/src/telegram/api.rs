//! The Bot API client (teloxide's `Bot`, used as a client only) and what its errors mean
//! for the outbox.

use super::config::TelegramConfig;
use std::time::Duration;
use teloxide::{ApiError, Bot, RequestError};
use thiserror::Error;
use yunqi_bot::ports::Delivery;

#[derive(Debug, Error)]
pub enum SetupError {
    #[error("[telegram] token is missing")]
    NoToken,
    #[error("[telegram] api_base {0:?} is not a URL")]
    BadApiBase(String),
    #[error("[telegram] http client: {0}")]
    Client(String),
}

/// A `Bot` for the configured API base. Its HTTP timeout leaves room for a long poll.
pub fn bot(cfg: &TelegramConfig) -> Result<Bot, SetupError> {
    let token = cfg.token().ok_or(SetupError::NoToken)?;
    let url = reqwest::Url::parse(cfg.api_base())
        .map_err(|_| SetupError::BadApiBase(cfg.api_base().to_string()))?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(cfg.poll_timeout + 15))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| SetupError::Client(e.to_string()))?;
    Ok(Bot::with_client(token, client).set_api_url(url))
}

/// Whether an error is worth another try: flood control, the network, a server error.
pub fn is_transient(e: &RequestError) -> bool {
    match e {
        RequestError::RetryAfter(_)
        | RequestError::Network(_)
        | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(text)) => !permanent_text(text),
        _ => false,
    }
}

/// Telegram's error descriptions start with the HTTP reason: these never get better.
fn permanent_text(text: &str) -> bool {
    [
        "Bad Request",
        "Forbidden",
        "Unauthorized",
        "Not Found",
        "Conflict",
    ]
    .iter()
    .any(|p| text.starts_with(p))
}

/// The outbox's verdict on a failed call; `retry_after` is honoured.
pub fn delivery(e: &RequestError) -> Delivery {
    let error = e.to_string();
    match e {
        RequestError::RetryAfter(s) => Delivery::Retry {
            after: Some(s.duration().max(Duration::from_secs(1))),
            error,
        },
        e if is_transient(e) => Delivery::Retry { after: None, error },
        _ => Delivery::Failed { error },
    }
}

/// The text could not be parsed as HTML: send it plain instead.
pub fn is_parse_error(e: &RequestError) -> bool {
    matches!(e, RequestError::Api(ApiError::CantParseEntities(_)))
}
