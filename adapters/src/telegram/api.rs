//! The Bot API client (teloxide's `Bot`, used as a client only) and what its errors mean
//! for the outbox.

use super::config::TelegramConfig;
use crate::common::SetupError;
use std::time::Duration;
use teloxide::{ApiError as TgError, Bot, RequestError};
use yunqi_bot::ports::Delivery;

/// A `Bot` for the configured API base. Its HTTP timeout leaves room for a long poll.
pub fn bot(cfg: &TelegramConfig) -> Result<Bot, SetupError> {
    let token = cfg.token().ok_or(SetupError::Missing("telegram.token"))?;
    let url = reqwest::Url::parse(cfg.api_base()).map_err(|_| SetupError::Invalid {
        key: "telegram.api_base",
        error: format!("{:?} is not a URL", cfg.api_base()),
    })?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(cfg.poll_timeout + 15))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| SetupError::Client {
            platform: "telegram",
            error: e.to_string(),
        })?;
    Ok(Bot::with_client(token, client).set_api_url(url))
}

/// Whether an error is worth another try: flood control, the network, a server error.
pub fn is_transient(e: &RequestError) -> bool {
    match e {
        RequestError::RetryAfter(_)
        | RequestError::Network(_)
        | RequestError::InvalidJson { .. } => true,
        RequestError::Api(TgError::Unknown(text)) => !permanent_text(text),
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

/// A failed Bot API call, for the outbox's verdict.
#[derive(Debug)]
pub struct ApiError(pub RequestError);

/// `retry_after` is honoured; transient failures are retried, the rest recorded.
impl From<ApiError> for Delivery {
    fn from(ApiError(e): ApiError) -> Delivery {
        let error = e.to_string();
        match e {
            RequestError::RetryAfter(s) => Delivery::Retry {
                after: Some(s.duration().max(Duration::from_secs(1))),
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            },
            e if is_transient(&e) => Delivery::Retry {
                after: None,
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            },
            _ => Delivery::Failed { error },
        }
    }
}

/// The text could not be parsed as HTML: send it plain instead.
pub fn is_parse_error(e: &RequestError) -> bool {
    matches!(e, RequestError::Api(TgError::CantParseEntities(_)))
}
