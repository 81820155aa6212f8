//! Per-chat pacing inside a lane: when each chat may get its next message, and which
//! recipients wait for that. A chat that is not ready is skipped, never slept on, so one
//! busy chat does not hold up the others.

use crate::message::Recipient;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::time::Instant;

/// Chats remembered before past slots are pruned.
const PRUNE_AT: usize = 4096;

#[derive(Default)]
pub(super) struct Pacing {
    /// chat → when it may get its next message (only chats with a gap).
    ready: HashMap<String, Instant>,
    /// recipient (the outbox's `recipient`) → when its deferred rows may go; left out of
    /// the outbox reads until then.
    waiting: HashMap<String, Instant>,
}

/// What one round through a page of rows deferred: later rows to these wait too, in order.
#[derive(Default)]
pub(super) struct Deferred {
    users: HashSet<String>,
    chats: HashSet<String>,
}

/// The chat a message lands in: its conversation, else the direct chat with the user.
fn chat(to: &Recipient) -> String {
    match &to.conversation {
        Some(c) => format!("c:{c}"),
        None => format!("u:{}", to.user.id),
    }
}

impl Pacing {
    /// Forgets what has passed; the recipients still waiting, for the outbox read.
    pub(super) fn waiting(&mut self, now: Instant) -> Vec<String> {
        self.waiting.retain(|_, t| *t > now);
        if self.ready.len() > PRUNE_AT {
            self.ready.retain(|_, t| *t > now);
        }
        self.waiting.keys().cloned().collect()
    }

    /// When the first waiting recipient may go again.
    pub(super) fn next_ready(&self) -> Option<Instant> {
        self.waiting.values().min().copied()
    }

    /// Whether a message to `to` may go now; if not, it and every later one to the same
    /// recipient or chat this round are deferred.
    pub(super) fn may_send(
        &mut self,
        to: &Recipient,
        deferred: &mut Deferred,
        now: Instant,
    ) -> bool {
        let chat = chat(to);
        let until = self.ready.get(&chat).copied().filter(|t| *t > now);
        if until.is_none()
            && !deferred.users.contains(&to.user.id)
            && !deferred.chats.contains(&chat)
        {
            return true;
        }
        let until = until
            .unwrap_or(now)
            .max(self.waiting.get(&to.user.id).copied().unwrap_or(now));
        if until > now {
            self.waiting.insert(to.user.id.clone(), until);
        }
        deferred.users.insert(to.user.id.clone());
        deferred.chats.insert(chat);
        false
    }

    /// A message of `sends` platform calls went to `to`: the chat's next slot is `gap`
    /// per call later.
    pub(super) fn sent(&mut self, to: &Recipient, gap: Duration, sends: u32, now: Instant) {
        if gap.is_zero() {
            return;
        }
        self.ready.insert(chat(to), now + gap * sends.max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Platform, UserRef};

    fn to(user: &str, conversation: Option<&str>) -> Recipient {
        Recipient {
            user: UserRef::new(Platform::Console, user),
            conversation: conversation.map(str::to_string),
        }
    }

    #[test]
    fn a_paced_chat_defers_its_rows_and_others_go() {
        let mut p = Pacing::default();
        let mut d = Deferred::default();
        let now = Instant::now();
        let gap = Duration::from_secs(1);
        assert!(p.may_send(&to("a", None), &mut d, now));
        p.sent(&to("a", None), gap, 1, now);
        assert!(!p.may_send(&to("a", None), &mut d, now));
        assert!(p.may_send(&to("b", None), &mut d, now));
        assert_eq!(p.waiting(now), vec!["a".to_string()]);
        assert_eq!(p.next_ready(), Some(now + gap));
        // `a`'s message in a group waits behind its deferred direct one, keeping order.
        assert!(!p.may_send(&to("a", Some("G")), &mut d, now));
        let later = now + gap;
        assert!(p.waiting(later).is_empty());
        assert!(p.may_send(&to("a", None), &mut Deferred::default(), later));
    }

    #[test]
    fn a_zero_gap_never_defers() {
        let mut p = Pacing::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(p.may_send(&to("a", None), &mut Deferred::default(), now));
            p.sent(&to("a", None), Duration::ZERO, 1, now);
        }
        assert!(p.waiting(now).is_empty());
    }
}
