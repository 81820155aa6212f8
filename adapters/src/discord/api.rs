//! serenity's `Http` for the configured API, and what its errors mean for the outbox.

use super::config::DiscordConfig;
use crate::common::SetupError;
use serenity::all::{ApplicationId, HttpBuilder, HttpError};
use serenity::http::Http;
use std::time::Duration;
use yunqi_bot::ports::Delivery;

/// `Http` with the application id. With `api_base` (fakes, proxies) requests go there and
/// serenity's rate limiter is off, because serenity 0.12 ignores the proxy otherwise.
pub fn http(cfg: &DiscordConfig) -> Result<Http, SetupError> {
    let token = cfg.token().ok_or(SetupError::Missing("discord.token"))?;
    let app = cfg
        .application_id()
        .ok_or(SetupError::Missing("discord.application_id"))?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| SetupError::Client {
            platform: "discord",
            error: e.to_string(),
        })?;
    let mut b = HttpBuilder::new(token)
        .client(client)
        .application_id(ApplicationId::new(app));
    if let Some(base) = cfg.api_base() {
        b = b.proxy(base).ratelimiter_disabled(true);
    }
    Ok(b.build())
}

/// The HTTP status of a failed call, when Discord answered.
pub fn status(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some(r.status_code.as_u16()),
        _ => None,
    }
}

/// Discord's JSON error code (e.g. 160004: a thread exists for this message).
pub fn code(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => Some(r.error.code),
        _ => None,
    }
}

/// Worth another try: rate limited, a server error, or no answer at all.
pub fn is_transient(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            let s = r.status_code.as_u16();
            s == 429 || s >= 500
        }
        serenity::Error::Http(HttpError::Request(_)) => true,
        serenity::Error::Io(_) => true,
        _ => false,
    }
}

/// A failed REST call, for the outbox's verdict.
#[derive(Debug)]
pub struct ApiError(pub serenity::Error);

/// A 429 only surfaces where serenity's limiter is off (it sleeps `Retry-After` and
/// retries by itself otherwise); serenity keeps no header of a failed response, so the
/// outbox's own backoff decides the wait.
impl From<ApiError> for Delivery {
    fn from(ApiError(e): ApiError) -> Delivery {
        let error = match status(&e) {
            Some(s) => format!("discord {s}: {e}"),
            None => e.to_string(),
        };
        if is_transient(&e) {
            Delivery::Retry {
                after: None,
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            }
        } else {
            Delivery::Failed { error }
        }
    }
}
