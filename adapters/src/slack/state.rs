//! What the HTTP routes and the Socket Mode loop share: config, the core's event sink, the
//! Web API client, the clock for the signature window, and who the bot is.

use super::api::{ApiError, SlackApi};
use super::config::SlackConfig;
use super::inbound::BotIdentity;
use super::signature::{SignatureError, Verifier};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use yunqi_bot::ports::Clock;
use yunqi_bot::ports::EventSink;

/// How long a request waits for the core before Slack gets a bare ack (Slack allows 3 s).
pub const ACK_WAIT: Duration = Duration::from_millis(2500);
/// Messages remembered to drop the second delivery of one message (message + app_mention).
const RECENT: usize = 4096;

#[derive(Clone)]
pub struct SlackState {
    inner: Arc<Inner>,
    ack_wait: Duration,
}

struct Inner {
    command: String,
    verifier: Option<Verifier>,
    sink: Arc<dyn EventSink>,
    api: Arc<SlackApi>,
    clock: Arc<dyn Clock>,
    identity: RwLock<BotIdentity>,
    recent: Mutex<Recent>,
    /// Signatures of commands and button presses taken within the signature window: a
    /// replay inside the window has no second effect.
    replays: Mutex<Replays>,
}

impl SlackState {
    pub fn new(
        cfg: &SlackConfig,
        sink: Arc<dyn EventSink>,
        api: Arc<SlackApi>,
        clock: Arc<dyn Clock>,
    ) -> SlackState {
        SlackState {
            inner: Arc::new(Inner {
                command: cfg.command_name(),
                verifier: cfg.signing_secret().map(Verifier::new),
                sink,
                api,
                clock,
                identity: RwLock::new(BotIdentity::default()),
                recent: Mutex::new(Recent::default()),
                replays: Mutex::new(Replays::default()),
            }),
            ack_wait: ACK_WAIT,
        }
    }

    /// Overrides [`ACK_WAIT`] (tests).
    pub fn with_ack_wait(mut self, wait: Duration) -> SlackState {
        self.ack_wait = wait;
        self
    }

    /// Learns the bot's user and bot ids with auth.test; call once at startup.
    pub async fn identify(&self) -> Result<BotIdentity, ApiError> {
        let a = self.inner.api.auth_test().await?;
        let id = BotIdentity {
            user_id: a.user_id,
            bot_id: a.bot_id,
        };
        self.set_identity(id.clone());
        Ok(id)
    }

    pub fn set_identity(&self, id: BotIdentity) {
        *self
            .inner
            .identity
            .write()
            .unwrap_or_else(|e| e.into_inner()) = id;
    }

    pub fn identity(&self) -> BotIdentity {
        self.inner
            .identity
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn api(&self) -> &Arc<SlackApi> {
        &self.inner.api
    }

    pub(crate) fn sink(&self) -> &Arc<dyn EventSink> {
        &self.inner.sink
    }

    pub(crate) fn command(&self) -> &str {
        &self.inner.command
    }

    pub(crate) fn ack_wait(&self) -> Duration {
        self.ack_wait
    }

    /// Checks a request's signature against the clock; without a signing secret nothing
    /// over HTTP is trusted.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        let v = self
            .inner
            .verifier
            .as_ref()
            .ok_or(SignatureError::NoSecret)?;
        v.verify(
            timestamp,
            signature,
            body,
            self.inner.clock.now().timestamp(),
        )
    }

    /// `false` when this signed request (a verified signature) was taken before within
    /// the signature window.
    pub(crate) fn first_signed(&self, signature: &str, timestamp: i64) -> bool {
        let now = self.inner.clock.now().timestamp();
        let mut r = self.inner.replays.lock().unwrap_or_else(|e| e.into_inner());
        r.first(signature, timestamp, now)
    }

    /// `false` when this message (channel, ts) already came with another event id: a user
    /// message that mentions the bot arrives as `message` and as `app_mention`.
    pub(crate) fn first_delivery(&self, channel: &str, ts: &str, event_id: &str) -> bool {
        self.inner
            .recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .admit(channel, ts, event_id)
    }
}

#[derive(Default)]
struct Recent {
    seen: HashMap<(String, String), String>,
    order: VecDeque<(String, String)>,
}

impl Recent {
    fn admit(&mut self, channel: &str, ts: &str, event_id: &str) -> bool {
        let key = (channel.to_string(), ts.to_string());
        if let Some(first) = self.seen.get(&key) {
            // The same event again is a retry: the core dedupes it by event id.
            return first == event_id;
        }
        if self.order.len() >= RECENT {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.order.push_back(key.clone());
        self.seen.insert(key, event_id.to_string());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_seen_under_another_event_id_is_dropped_but_a_retry_is_not() {
        let mut r = Recent::default();
        assert!(r.admit("C1", "1.1", "Ev1"));
        assert!(
            r.admit("C1", "1.1", "Ev1"),
            "a retry reaches the core, which dedupes it"
        );
        assert!(
            !r.admit("C1", "1.1", "Ev2"),
            "the app_mention twin of a message"
        );
        assert!(r.admit("C2", "1.1", "Ev3"));
    }

    #[test]
    fn the_memory_of_recent_messages_is_bounded() {
        let mut r = Recent::default();
        for i in 0..RECENT + 10 {
            assert!(r.admit("C1", &i.to_string(), "Ev"));
        }
        assert_eq!(r.seen.len(), RECENT);
        assert!(r.admit("C1", "0", "Ev-other"), "the oldest was forgotten");
    }
}

/// Signatures seen, in arrival order, kept as 64-bit keyed hashes (no allocation per
/// request; forging a collision would need the signing secret). Entries leave once their
/// request timestamp is outside the window, where the signature check refuses the request
/// anyway: O(1) per request.
#[derive(Default)]
struct Replays {
    keys: std::hash::RandomState,
    seen: std::collections::HashSet<u64>,
    order: VecDeque<(i64, u64)>,
}

impl Replays {
    fn first(&mut self, signature: &str, timestamp: i64, now: i64) -> bool {
        use std::hash::BuildHasher;
        let window = super::signature::WINDOW_SECS as i64;
        while let Some(&(ts, key)) = self.order.front() {
            if now - ts <= window {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&key);
        }
        let key = self.keys.hash_one(signature);
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back((timestamp, key));
        true
    }
}

#[cfg(test)]
mod replay_tests {
    use super::Replays;

    #[test]
    fn a_signature_is_refused_again_inside_the_window_and_forgotten_after_it() {
        let mut r = Replays::default();
        assert!(r.first("v0=a", 1_000, 1_000));
        assert!(!r.first("v0=a", 1_000, 1_100));
        assert!(r.first("v0=b", 1_100, 1_100));
        // Past the window the signature check refuses the request; the entry is gone.
        assert!(r.first("v0=c", 1_400, 1_400));
        assert_eq!(r.seen.len(), 2, "v0=a expired, v0=b and v0=c remain");
    }
}
