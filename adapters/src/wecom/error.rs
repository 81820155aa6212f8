//! API errors and what a delivery attempt makes of them (docs/platforms/wecom.md §4.1, §7, §8;
//! wechat-kf.md §2.11).

use std::time::Duration;
use thiserror::Error;
use yunqi_bot::ports::Delivery;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// WeCom answered with a non-zero `errcode`; `errmsg` carries Tencent's hint.
    #[error("wecom errcode {errcode}: {errmsg}")]
    WeCom { errcode: i64, errmsg: String },
    #[error("request timed out")]
    Timeout,
    /// Connection refused, reset, DNS, TLS… (the URL is stripped: it may hold the token).
    #[error("transport: {0}")]
    Transport(String),
    #[error("HTTP status {status}")]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// We refused to send it: the request breaks a documented limit.
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("not configured: {0}")]
    Config(&'static str),
}

/// Token trouble: drop the cached token, fetch a new one, retry the request once. 40001
/// counts here only outside `gettoken` (there it means a wrong secret).
pub const TOKEN_ERRORS: [i64; 5] = [40001, 40014, 41001, 42001, 42009];

/// The wait before retrying a transient errcode; `None` when the errcode is permanent.
pub fn transient_wait(errcode: i64) -> Option<Option<Duration>> {
    match errcode {
        // system busy: short backoff
        -1 => Some(Some(Duration::from_secs(1))),
        // frequency block: a per-minute block lasts 60 s (§7)
        45009 => Some(Some(Duration::from_secs(60))),
        // too many concurrent calls: short backoff
        45033 => Some(Some(Duration::from_secs(2))),
        // still a token error after the one refresh: the next attempt fetches anew
        e if TOKEN_ERRORS.contains(&e) && e != 40001 => Some(None),
        _ => None,
    }
}

impl ApiError {
    pub fn errcode(&self) -> Option<i64> {
        match self {
            ApiError::WeCom { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    pub fn is_token_error(&self) -> bool {
        self.errcode().is_some_and(|e| TOKEN_ERRORS.contains(&e))
    }
}

/// Transient problems are retried (after the documented wait), the rest fail for good
/// with the errcode in the message.
impl From<&ApiError> for Delivery {
    fn from(e: &ApiError) -> Delivery {
        let error = e.to_string();
        match e {
            ApiError::WeCom { errcode, .. } => match transient_wait(*errcode) {
                Some(after) => Delivery::Retry {
                    after,
                    error,
                    scope: yunqi_bot::ports::RetryScope::Platform,
                },
                None => Delivery::Failed { error },
            },
            ApiError::Timeout | ApiError::Transport(_) | ApiError::Decode(_) => Delivery::Retry {
                after: None,
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            },
            ApiError::Status {
                status,
                retry_after,
            } if *status == 429 || *status >= 500 => Delivery::Retry {
                after: *retry_after,
                error,
                scope: yunqi_bot::ports::RetryScope::Platform,
            },
            ApiError::Status { .. } | ApiError::Invalid(_) | ApiError::Config(_) => {
                Delivery::Failed { error }
            }
        }
    }
}

impl From<ApiError> for Delivery {
    fn from(e: ApiError) -> Delivery {
        Delivery::from(&e)
    }
}

impl From<reqwest::Error> for ApiError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            return ApiError::Timeout;
        }
        if e.is_decode() {
            return ApiError::Decode(e.without_url().to_string());
        }
        ApiError::Transport(e.without_url().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wecom(errcode: i64) -> ApiError {
        ApiError::WeCom {
            errcode,
            errmsg: format!("msg {errcode}"),
        }
    }

    #[test]
    fn errcodes_map_to_retry_with_the_documented_wait_or_to_failure() {
        let secs = |s| Some(Duration::from_secs(s));
        let retry = [
            (-1, secs(1)),
            (45009, secs(60)),
            (45033, secs(2)),
            (42001, None),
            (40014, None),
            (41001, None),
        ];
        for (code, after) in retry {
            match Delivery::from(&wecom(code)) {
                Delivery::Retry {
                    after: a, error, ..
                } => {
                    assert_eq!(a, after, "{code}");
                    assert!(error.contains(&code.to_string()), "{error}");
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        for code in [
            40001, 40013, 40056, 40058, 44004, 45002, 48002, 60020, 81013, 93000, 95001, 95002,
            95018, 95031, 301002,
        ] {
            match Delivery::from(&wecom(code)) {
                Delivery::Failed { error } => {
                    assert!(error.contains(&format!("errcode {code}")), "{error}")
                }
                other => panic!("{code}: {other:?}"),
            }
        }
    }

    #[test]
    fn transport_trouble_is_transient_and_client_mistakes_are_not() {
        assert!(matches!(
            Delivery::from(&ApiError::Timeout),
            Delivery::Retry { after: None, .. }
        ));
        assert!(matches!(
            Delivery::from(ApiError::Transport("reset".into())),
            Delivery::Retry { .. }
        ));
        let wait = Some(Duration::from_secs(7));
        assert_eq!(
            Delivery::from(ApiError::Status {
                status: 429,
                retry_after: wait
            }),
            Delivery::Retry {
                after: wait,
                error: "HTTP status 429".into(),
                scope: yunqi_bot::ports::RetryScope::Platform
            }
        );
        assert!(matches!(
            Delivery::from(ApiError::Status {
                status: 502,
                retry_after: None
            }),
            Delivery::Retry { .. }
        ));
        assert!(matches!(
            Delivery::from(ApiError::Status {
                status: 404,
                retry_after: None
            }),
            Delivery::Failed { .. }
        ));
        assert!(matches!(
            Delivery::from(ApiError::Invalid("too long".into())),
            Delivery::Failed { .. }
        ));
    }

    #[test]
    fn token_errors_are_recognised_for_one_refresh() {
        for code in [40014, 41001, 42001, 42009, 40001] {
            assert!(wecom(code).is_token_error(), "{code}");
        }
        assert!(!wecom(45009).is_token_error());
        assert!(!ApiError::Timeout.is_token_error());
    }
}
