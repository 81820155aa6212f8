//! Telegram's sending limits per chat: about one message a second in a private chat and
//! twenty a minute in a group (§A6). Each send reserves the chat's next slot and waits for
//! it, so order within a chat holds. The overall ~30/s is the outbox lane's rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Chats remembered before past slots are pruned.
const PRUNE_AT: usize = 4096;

pub(crate) struct Pacer {
    private: Duration,
    group: Duration,
    next: Mutex<HashMap<i64, Instant>>,
}

impl Pacer {
    pub(crate) fn new(private: Duration, group: Duration) -> Pacer {
        Pacer {
            private,
            group,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Telegram's own guidance: 1/s per private chat, 20/min per group.
    pub(crate) fn telegram() -> Pacer {
        Pacer::new(Duration::from_secs(1), Duration::from_secs(3))
    }

    /// Waits for the chat's next slot. Group and channel ids are negative.
    pub(crate) async fn wait(&self, chat: i64) {
        let gap = if chat < 0 { self.group } else { self.private };
        if gap.is_zero() {
            return;
        }
        let now = Instant::now();
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            if next.len() > PRUNE_AT {
                next.retain(|_, t| *t > now);
            }
            let slot = next.get(&chat).copied().filter(|t| *t > now).unwrap_or(now);
            next.insert(chat, slot + gap);
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
    async fn one_chat_is_paced_while_other_chats_are_not() {
        let p = Pacer::new(Duration::from_millis(200), Duration::from_millis(600));
        let t0 = Instant::now();
        p.wait(1).await;
        p.wait(2).await;
        p.wait(-100).await;
        assert!(
            t0.elapsed() < Duration::from_millis(150),
            "first sends never wait"
        );
        p.wait(1).await;
        p.wait(1).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(400),
            "{:?}",
            t0.elapsed()
        );
        p.wait(-100).await;
        assert!(
            t0.elapsed() >= Duration::from_millis(600),
            "a group waits longer"
        );
    }
}
