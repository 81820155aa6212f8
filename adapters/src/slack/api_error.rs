//! Web API failures, sorted into transient (the outbox retries) and permanent (recorded,
//! never retried), per docs/platforms/slack.md §5.3.

use std::time::Duration;
use thiserror::Error;
use yunqi_bot::ports::Delivery;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// Worth trying again, after `after` when Slack said so (Retry-After).
    #[error("slack: {error} (transient)")]
    Transient {
        error: String,
        after: Option<Duration>,
    },
    #[error("slack: {0}")]
    Permanent(String),
}

impl From<ApiError> for Delivery {
    fn from(e: ApiError) -> Delivery {
        match e {
            ApiError::Transient { error, after } => Delivery::Retry {
                after,
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            },
            ApiError::Permanent(error) => Delivery::Failed { error },
        }
    }
}

/// Error codes that are Slack's trouble, not ours (§5.3); every other code is permanent
/// (credentials, missing channel or membership, bad payload, policy).
const TRANSIENT: &[&str] = &[
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
];

pub fn classify(error: &str, after: Option<Duration>) -> ApiError {
    if TRANSIENT.contains(&error) {
        ApiError::Transient {
            error: error.to_string(),
            after,
        }
    } else {
        ApiError::Permanent(error.to_string())
    }
}

pub(crate) fn network(e: reqwest::Error) -> ApiError {
    let e = e.without_url();
    if e.is_builder() {
        ApiError::Permanent(e.to_string())
    } else {
        ApiError::Transient {
            error: e.to_string(),
            after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_error_codes_are_sorted_into_transient_and_permanent() {
        for e in TRANSIENT {
            assert!(
                matches!(classify(e, None), ApiError::Transient { .. }),
                "{e}"
            );
        }
        let permanent = [
            "channel_not_found",
            "not_in_channel",
            "invalid_auth",
            "not_authed",
            "token_revoked",
            "missing_scope",
            "is_archived",
            "msg_too_long",
            "invalid_blocks",
            "expired_trigger_id",
            "user_not_found",
            "something_new",
        ];
        for e in permanent {
            assert_eq!(classify(e, None), ApiError::Permanent(e.into()), "{e}");
        }
        let d: Delivery = classify("ratelimited", Some(Duration::from_secs(3))).into();
        let want = Delivery::Retry {
            after: Some(Duration::from_secs(3)),
            error: "ratelimited".into(),
            scope: yunqi_bot::ports::RetryScope::Platform,
        };
        assert_eq!(d, want);
        let d: Delivery = classify("not_in_channel", None).into();
        assert_eq!(
            d,
            Delivery::Failed {
                error: "not_in_channel".into()
            }
        );
    }
}
