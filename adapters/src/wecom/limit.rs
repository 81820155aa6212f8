//! Sliding-window send limits per key. WeCom silently drops app messages beyond 30 per
//! minute / 1000 per hour to one member (docs/platforms/wecom.md §7) and a group robot takes 20 per
//! minute: waiting here turns a silent loss into a delay.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
/// Forget idle keys once the map grows past this.
const PRUNE_ABOVE: usize = 10_000;

pub struct SendLimiter {
    per_minute: usize,
    per_hour: usize,
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SendLimiter {
    pub fn new(per_minute: usize, per_hour: usize) -> SendLimiter {
        SendLimiter {
            per_minute,
            per_hour,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// App messages to one member.
    pub fn app_member() -> SendLimiter {
        SendLimiter::new(30, 1000)
    }

    /// One group robot.
    pub fn robot() -> SendLimiter {
        SendLimiter::new(20, 20 * 60)
    }

    /// Takes `n` sends for `key` now, or says how long to wait before all `n` fit.
    pub fn take(&self, key: &str, n: usize, now: Instant) -> Result<(), Duration> {
        let mut map = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < HOUR));
        }
        let q = map.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= HOUR) {
            q.pop_front();
        }
        let wait_for = |window: Duration, limit: usize| -> Option<Duration> {
            let recent: Vec<&Instant> = q
                .iter()
                .filter(|t| now.duration_since(**t) < window)
                .collect();
            if recent.len() + n <= limit {
                return None;
            }
            // the send that has to leave the window before `n` more fit
            let idx = (recent.len() + n)
                .saturating_sub(limit + 1)
                .min(recent.len().saturating_sub(1));
            let oldest = recent.get(idx).map(|t| **t).unwrap_or(now);
            Some(
                (oldest + window)
                    .saturating_duration_since(now)
                    .max(Duration::from_secs(1)),
            )
        };
        if n > self.per_minute {
            // can never fit in one window: let it through rather than block forever
            q.extend(std::iter::repeat_n(now, n));
            return Ok(());
        }
        let wait = [
            wait_for(MINUTE, self.per_minute),
            wait_for(HOUR, self.per_hour),
        ]
        .into_iter()
        .flatten()
        .max();
        match wait {
            Some(w) => Err(w),
            None => {
                q.extend(std::iter::repeat_n(now, n));
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_31st_message_in_a_minute_waits_until_the_first_leaves_the_window() {
        let l = SendLimiter::app_member();
        let t0 = Instant::now();
        for i in 0..30 {
            assert_eq!(
                l.take("zhangsan", 1, t0 + Duration::from_secs(i)),
                Ok(()),
                "{i}"
            );
        }
        let wait = l
            .take("zhangsan", 1, t0 + Duration::from_secs(30))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(30));
        assert_eq!(
            l.take("lisi", 1, t0 + Duration::from_secs(30)),
            Ok(()),
            "other members are not affected"
        );
        assert_eq!(l.take("zhangsan", 1, t0 + Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn the_hourly_cap_holds_even_when_each_minute_is_under_its_limit() {
        let l = SendLimiter::new(30, 40);
        let t0 = Instant::now();
        for i in 0..40 {
            assert_eq!(
                l.take("u", 1, t0 + Duration::from_secs(i * 10)),
                Ok(()),
                "{i}"
            );
        }
        let wait = l.take("u", 1, t0 + Duration::from_secs(400)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(3200));
    }

    #[test]
    fn a_robot_takes_20_per_minute() {
        let l = SendLimiter::robot();
        let t0 = Instant::now();
        assert_eq!(l.take("robot", 20, t0), Ok(()));
        assert!(l.take("robot", 1, t0).is_err());
    }
}
