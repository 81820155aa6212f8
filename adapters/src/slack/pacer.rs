//! Slack's posting limit, about one message per second per channel (§5.4): each send
//! reserves the channel's next slot and waits for it, so order within a channel holds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Channels remembered before past slots are pruned.
const PRUNE_AT: usize = 4096;

/// Reserves send slots per channel so one channel gets at most one message per `gap`.
pub(crate) struct Pacer {
    gap: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    pub(crate) fn new(gap: Duration) -> Pacer {
        Pacer {
            gap,
            next: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn set_gap(&mut self, gap: Duration) {
        self.gap = gap;
    }

    pub(crate) async fn wait(&self, channel: &str) {
        if self.gap.is_zero() {
            return;
        }
        let now = Instant::now();
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            if next.len() > PRUNE_AT {
                next.retain(|_, t| *t > now);
            }
            let slot = next
                .get(channel)
                .copied()
                .filter(|t| *t > now)
                .unwrap_or(now);
            next.insert(channel.to_string(), slot + self.gap);
            slot
        };
        if slot > now {
            tokio::time::sleep_until(slot).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_channel_is_paced_while_other_channels_are_not() {
        let p = Pacer::new(Duration::from_millis(60));
        let t0 = Instant::now();
        p.wait("C1").await;
        p.wait("C2").await;
        assert!(
            t0.elapsed() < Duration::from_millis(50),
            "different channels do not wait"
        );
        p.wait("C1").await;
        p.wait("C1").await;
        assert!(
            t0.elapsed() >= Duration::from_millis(120),
            "{:?}",
            t0.elapsed()
        );
    }

    #[tokio::test]
    async fn a_zero_gap_never_waits() {
        let p = Pacer::new(Duration::ZERO);
        let t0 = Instant::now();
        for _ in 0..100 {
            p.wait("C1").await;
        }
        assert!(t0.elapsed() < Duration::from_millis(50));
    }
}
