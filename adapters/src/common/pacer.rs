//! Per-chat sending limits (Slack about one message a second per channel, Telegram one a
//! second per private chat and twenty a minute per group): each send reserves its key's
//! next slot and waits for it, so order within a chat holds.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Keys remembered before past slots are pruned.
const PRUNE_AT: usize = 4096;

/// Reserves send slots per key (a channel, a chat).
pub struct Pacer<K> {
    next: Mutex<HashMap<K, Instant>>,
}

impl<K: Hash + Eq> Default for Pacer<K> {
    fn default() -> Self {
        Pacer {
            next: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq> Pacer<K> {
    /// Waits for `key`'s next slot; the one after it is `gap` later. A zero gap never waits.
    pub async fn wait(&self, key: K, gap: Duration) {
        if gap.is_zero() {
            return;
        }
        let now = Instant::now();
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            if next.len() > PRUNE_AT {
                next.retain(|_, t| *t > now);
            }
            let slot = next.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
            next.insert(key, slot + gap);
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
    async fn one_key_is_paced_while_other_keys_are_not() {
        let p = Pacer::default();
        let gap = Duration::from_millis(60);
        let t0 = Instant::now();
        p.wait("C1", gap).await;
        p.wait("C2", gap).await;
        assert!(
            t0.elapsed() < Duration::from_millis(50),
            "different keys do not wait"
        );
        p.wait("C1", gap).await;
        p.wait("C1", gap).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(120),
            "{:?}",
            t0.elapsed()
        );
    }

    #[tokio::test]
    async fn each_key_keeps_the_gap_it_was_given() {
        let p = Pacer::default();
        let (private, group) = (Duration::from_millis(200), Duration::from_millis(600));
        let t0 = Instant::now();
        p.wait(1, private).await;
        p.wait(2, private).await;
        p.wait(-100, group).await;
        assert!(
            t0.elapsed() < Duration::from_millis(150),
            "first sends never wait"
        );
        p.wait(1, private).await;
        p.wait(1, private).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(400),
            "{:?}",
            t0.elapsed()
        );
        p.wait(-100, group).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(600),
            "a group waits longer"
        );
    }

    #[tokio::test]
    async fn a_zero_gap_never_waits() {
        let p = Pacer::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            p.wait("C1", Duration::ZERO).await;
        }
        assert!(t0.elapsed() < Duration::from_millis(50));
    }
}
