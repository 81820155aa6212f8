//! Each lane's latest delivery outcomes, for `/readyz`: when a platform last accepted a
//! message, when it last refused one and why.

use crate::ids::Platform;
use crate::ports::Delivery;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Longest error kept (it is shown by `/readyz`).
const ERROR_MAX: usize = 160;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaneStatus {
    pub last_success: Option<DateTime<Utc>>,
    /// A retried or failed attempt, with its error.
    pub last_failure: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
}

#[derive(Default)]
pub struct DeliveryLog {
    lanes: Mutex<BTreeMap<&'static str, LaneStatus>>,
}

impl DeliveryLog {
    pub fn record(&self, platform: Platform, outcome: &Delivery, at: DateTime<Utc>) {
        let Ok(mut lanes) = self.lanes.lock() else {
            return;
        };
        let label = match outcome {
            Delivery::Sent { .. } => "sent",
            Delivery::Retry { .. } => "retry",
            Delivery::Failed { .. } => "failed",
        };
        metrics::counter!("yunqi_deliveries_total", "platform" => platform.as_str(), "outcome" => label)
            .increment(1);
        let lane = lanes.entry(platform.as_str()).or_default();
        let error = match outcome {
            Delivery::Sent { .. } => {
                lane.sent += 1;
                lane.last_success = Some(at);
                return;
            }
            Delivery::Retry { error, .. } => {
                lane.retried += 1;
                error
            }
            Delivery::Failed { error } => {
                lane.failed += 1;
                error
            }
        };
        lane.last_failure = Some(at);
        lane.last_error = Some(error.chars().take(ERROR_MAX).collect());
    }

    /// The lane of `platform` (all zero before its first delivery).
    pub fn status(&self, platform: Platform) -> LaneStatus {
        self.lanes
            .lock()
            .ok()
            .and_then(|l| l.get(platform.as_str()).cloned())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_remembers_its_last_success_and_its_last_failure_with_the_reason() {
        let log = DeliveryLog::default();
        let t = |s| DateTime::from_timestamp(s, 0).unwrap();
        assert_eq!(log.status(Platform::Slack), LaneStatus::default());
        log.record(Platform::Slack, &Delivery::Sent { message_id: None }, t(10));
        log.record(
            Platform::Slack,
            &Delivery::Retry {
                after: None,
                error: "HTTP 500".into(),
                scope: crate::ports::RetryScope::Platform,
            },
            t(20),
        );
        log.record(Platform::Slack, &Delivery::Sent { message_id: None }, t(30));
        let s = log.status(Platform::Slack);
        assert_eq!(s.last_success, Some(t(30)));
        assert_eq!(s.last_failure, Some(t(20)));
        assert_eq!(s.last_error.as_deref(), Some("HTTP 500"));
        assert_eq!((s.sent, s.retried, s.failed), (2, 1, 0));
        assert_eq!(log.status(Platform::Telegram), LaneStatus::default());
    }
}
