//! What one platform answer means beyond its own message: a Retry-After that is not about
//! one chat pauses the whole lane (the platform asked us to stop, not to skip a row);
//! backoff is jittered so messages that failed together do not retry in lockstep; and a
//! message past its `expires_at` is recorded as expired instead of sent.

use crate::metrics::{Metrics, METRICS};
use crate::ports::{Delivery, OutboxRow, RetryScope, Settlement};
use chrono::{DateTime, Utc};
use rand::Rng;
use std::time::Duration;

/// The error recorded for a message that was not sent because it expired.
pub const EXPIRED: &str = "expired";

/// When the lane may call the platform again, on the lane's clock (the one retry times
/// use, so a test's manual clock ends a pause too).
#[derive(Default)]
pub(super) struct LanePause {
    until: Option<DateTime<Utc>>,
}

impl LanePause {
    /// Notes an outcome; true when it paused the lane.
    pub(super) fn note(&mut self, outcome: &Delivery, now: DateTime<Utc>) -> bool {
        let Delivery::Retry {
            after: Some(after),
            scope: RetryScope::Platform,
            ..
        } = outcome
        else {
            return false;
        };
        let after = chrono::Duration::from_std(*after).unwrap_or(chrono::Duration::MAX);
        let until = now
            .checked_add_signed(after)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.until = Some(self.until.map_or(until, |u| u.max(until)));
        true
    }

    /// How long the lane still has to wait, if it is paused.
    pub(super) fn remaining(&mut self, now: DateTime<Utc>) -> Option<Duration> {
        match self.until {
            Some(u) if u > now => (u - now).to_std().ok(),
            _ => {
                self.until = None;
                None
            }
        }
    }
}

/// `d` scaled by a random factor in [0.5, 1] ("equal jitter").
pub fn jittered(d: Duration) -> Duration {
    d.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

/// The outcome to record instead of sending a message past its expiry.
pub(super) fn expiry(row: &OutboxRow, now: DateTime<Utc>) -> Option<Delivery> {
    let at = row.expires_at?;
    (at <= now).then(|| Delivery::Failed {
        error: format!("{EXPIRED}: not sent by {}", at.to_rfc3339()),
    })
}

/// The rows still worth sending, and the settlements of those that expired.
pub(super) fn split_expired(
    rows: Vec<OutboxRow>,
    now: DateTime<Utc>,
) -> (Vec<OutboxRow>, Vec<Settlement>) {
    let mut expired = Vec::new();
    let live = rows
        .into_iter()
        .filter(|row| match expiry(row, now) {
            Some(outcome) => {
                Metrics::inc(&METRICS.outbox_failed, 1);
                tracing::info!(id = %row.id, "message expired before it could be delivered");
                expired.push(Settlement {
                    id: row.id,
                    attempts: row.attempts,
                    outcome,
                    at: now,
                    retry_at: now,
                    progress: row.progress.clone(),
                });
                false
            }
            None => true,
        })
        .collect();
    (live, expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(after: Option<u64>, scope: RetryScope) -> Delivery {
        Delivery::Retry {
            after: after.map(Duration::from_secs),
            error: "429".into(),
            scope,
        }
    }

    #[test]
    fn only_a_platform_wide_retry_after_pauses_the_lane() {
        let now = Utc::now();
        let mut p = LanePause::default();
        assert!(!p.note(&retry(None, RetryScope::Platform), now));
        assert!(!p.note(&retry(Some(5), RetryScope::Chat), now));
        assert_eq!(p.remaining(now), None);
        assert!(p.note(&retry(Some(5), RetryScope::Platform), now));
        assert!(p.note(&retry(Some(2), RetryScope::Platform), now));
        assert_eq!(p.remaining(now), Some(Duration::from_secs(5)));
        assert_eq!(p.remaining(now + chrono::Duration::seconds(5)), None);
    }

    #[test]
    fn jitter_stays_between_half_and_all() {
        let d = Duration::from_secs(8);
        for _ in 0..100 {
            let j = jittered(d);
            assert!(j >= d / 2 && j <= d, "{j:?}");
        }
    }
}
