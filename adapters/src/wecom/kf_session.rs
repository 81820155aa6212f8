//! The 微信客服 reply window, kept per (kf account, WeChat user) in the `Kv` port so it
//! survives restarts (docs/platforms/wechat-kf.md §2.6, §2.9): replies only within 48 h of the
//! user's latest message, at most 5 per user message (reset to 5 on each one — the
//! conservative reading), and only while the session is new or with the bot (states 0/1).
//! A send the window no longer allows is refused here, before WeCom refuses it.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::Mutex;
use yunqi_bot::ports::Kv;

/// Replies allowed per user message.
pub const REPLIES_PER_USER_MESSAGE: u32 = 5;
/// The reply window after the user's latest message.
pub const WINDOW_SECS: i64 = 48 * 3600;
/// Stop this much before the window closes: clocks and queues are not exact.
pub const SAFETY_SECS: i64 = 600;

/// errcodes that say the window or allowance is gone (wechat-kf.md §2.11).
pub const OVER_ALLOWANCE: i64 = 95001;
pub const OUTSIDE_WINDOW: i64 = 95002;
pub const STATE_FORBIDS: i64 = 95018;
pub const NEVER_WROTE: i64 = 95031;

/// Session states (§2.9): 0 new, 1 bot, 2 queued for a human, 3 human, 4 ended.
pub const STATE_NEW: i64 = 0;
pub const STATE_HUMAN: i64 = 3;
pub const STATE_ENDED: i64 = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Unix seconds of the user's latest message (`send_time`).
    pub last_user_msg: i64,
    /// Replies still allowed for that message.
    pub left: u32,
    /// The session state when an event told us; `None` = not known (new or bot).
    #[serde(default)]
    pub state: Option<i64>,
}

impl Session {
    /// Why `need` more replies may not go out at `now`, or `None` when they may.
    pub fn refusal(&self, need: u32, now: i64) -> Option<String> {
        if let Some(s) = self.state.filter(|s| *s >= 2) {
            let what = if s == STATE_ENDED {
                "ended"
            } else {
                "with a human receptionist"
            };
            return Some(format!(
                "微信客服 session is {what} (state {s}); the bot may not send until the user writes again"
            ));
        }
        if now > self.last_user_msg + WINDOW_SECS - SAFETY_SECS {
            return Some(
                "微信客服 48 h reply window is closed: the user has not written for 48 hours; \
                 the message can be delivered only after the user writes again"
                    .into(),
            );
        }
        if self.left < need {
            return Some(format!(
                "微信客服 allows 5 replies per user message: {} left, {need} needed; \
                 waiting for the user to write again",
                self.left
            ));
        }
        None
    }
}

/// The Kv key of one user's window on one kf account.
/// Where a sent kf message (by our msgid) is remembered, so a retry skips it.
pub fn part_key(msgid: &str) -> String {
    format!("wecom.kf.sent.{msgid}")
}

pub fn session_key(open_kfid: &str, external_userid: &str) -> String {
    format!("wecom.kf.session.{open_kfid}.{external_userid}")
}

pub struct KfSessions {
    kv: Arc<dyn Kv>,
    // read-modify-write of one record at a time (the puller and the outbox lane race)
    lock: Mutex<()>,
}

impl KfSessions {
    pub fn new(kv: Arc<dyn Kv>) -> KfSessions {
        KfSessions {
            kv,
            lock: Mutex::new(()),
        }
    }

    pub async fn get(&self, open_kfid: &str, user: &str) -> Option<Session> {
        let raw = match self.kv.kv_get(&session_key(open_kfid, user)).await {
            Ok(v) => v?,
            Err(e) => {
                tracing::warn!(error = %e, "kf session read failed");
                return None;
            }
        };
        serde_json::from_str(&raw).ok()
    }

    async fn put(&self, open_kfid: &str, user: &str, s: &Session) {
        let raw = serde_json::to_string(s).unwrap_or_default();
        if let Err(e) = self.kv.kv_put(&session_key(open_kfid, user), &raw).await {
            tracing::warn!(error = %e, "kf session write failed");
        }
    }

    async fn update(&self, open_kfid: &str, user: &str, f: impl FnOnce(&mut Session)) {
        let _g = self.lock.lock().await;
        let mut s = self.get(open_kfid, user).await.unwrap_or_default();
        f(&mut s);
        self.put(open_kfid, user, &s).await;
    }

    /// The user wrote at `at` (a replayed older message changes nothing; `send_time` has
    /// whole seconds, so one of the same second counts as new).
    /// A customer message renews the window and the allowance; returns the session as it
    /// was, for [`KfSessions::undo_wrote`] when the core finds the message was a repeat.
    pub async fn user_wrote(&self, open_kfid: &str, user: &str, at: i64) -> Session {
        let mut before = Session::default();
        self.update(open_kfid, user, |s| {
            before = s.clone();
            if at >= s.last_user_msg {
                s.last_user_msg = at;
                s.left = REPLIES_PER_USER_MESSAGE;
                // an ended session starts anew when the user writes; a human keeps theirs
                if s.state == Some(STATE_ENDED) {
                    s.state = Some(STATE_NEW);
                }
            }
        })
        .await;
        before
    }

    /// The message renewed at `at` was a repeat (a page pulled again): the window and
    /// allowance go back to `before`, less the replies spent since. Nothing changes if a
    /// newer message renewed the session meanwhile.
    pub async fn undo_wrote(&self, open_kfid: &str, user: &str, before: Session, at: i64) {
        self.update(open_kfid, user, |s| {
            if s.last_user_msg != at || before.last_user_msg > at {
                return;
            }
            let spent = REPLIES_PER_USER_MESSAGE.saturating_sub(s.left);
            s.last_user_msg = before.last_user_msg;
            s.left = before.left.saturating_sub(spent);
            if before.state == Some(STATE_ENDED) && s.state == Some(STATE_NEW) {
                s.state = before.state;
            }
        })
        .await
    }

    /// A `session_status_change` event (`change_type` 1 taken from the pool, 2 transferred,
    /// 3 ended, 4 reopened by a human).
    pub async fn status_changed(&self, open_kfid: &str, user: &str, change_type: i64) {
        let state = match change_type {
            1 | 2 | 4 => STATE_HUMAN,
            3 => STATE_ENDED,
            _ => return,
        };
        self.update(open_kfid, user, |s| s.state = Some(state))
            .await
    }

    /// Whether `need` replies may go out now; unknown users are left to WeCom to judge.
    pub async fn check(
        &self,
        open_kfid: &str,
        user: &str,
        need: u32,
        now: i64,
    ) -> Result<(), String> {
        match self.get(open_kfid, user).await {
            Some(s) => s.refusal(need, now).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }

    /// One reply went out.
    /// The id WeCom gave the kf message sent with our `msgid`, if it was sent.
    pub async fn part_sent(&self, msgid: &str) -> Option<String> {
        self.kv.kv_get(&part_key(msgid)).await.ok().flatten()
    }

    /// Remembers that the kf message with our `msgid` went out (as `id`).
    pub async fn mark_part_sent(&self, msgid: &str, id: &str) {
        if let Err(e) = self.kv.kv_put(&part_key(msgid), id).await {
            tracing::warn!(error = %e, "kf part progress write failed");
        }
    }

    pub async fn spent(&self, open_kfid: &str, user: &str) {
        let _g = self.lock.lock().await;
        if let Some(mut s) = self.get(open_kfid, user).await {
            s.left = s.left.saturating_sub(1);
            self.put(open_kfid, user, &s).await;
        }
    }

    /// WeCom refused a send with `errcode`: remember it so the next one is refused here.
    pub async fn refused(&self, open_kfid: &str, user: &str, errcode: i64) {
        let f: fn(&mut Session) = match errcode {
            OVER_ALLOWANCE => |s| s.left = 0,
            OUTSIDE_WINDOW | NEVER_WROTE => |s| s.last_user_msg = 0,
            // a human has it or it ended: either way the user's next message decides
            STATE_FORBIDS => |s| s.state = Some(STATE_ENDED),
            _ => return,
        };
        self.update(open_kfid, user, f).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_the_allowance_and_the_state_each_refuse() {
        let now = 1_700_000_000;
        let s = Session {
            last_user_msg: now - 3600,
            left: 5,
            state: None,
        };
        assert_eq!(s.refusal(5, now), None);
        assert!(s.refusal(6, now).unwrap().contains("5 replies"));
        let late = Session {
            last_user_msg: now - WINDOW_SECS + SAFETY_SECS - 1,
            ..s.clone()
        };
        assert!(late.refusal(1, now).unwrap().contains("48 h"));
        let human = Session {
            state: Some(STATE_HUMAN),
            ..s.clone()
        };
        assert!(human.refusal(1, now).unwrap().contains("human"));
        let bot = Session {
            state: Some(1),
            ..s
        };
        assert_eq!(bot.refusal(1, now), None);
    }
}
