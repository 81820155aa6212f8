//! Delivers the outbox: one lane per platform, paced to the platform's rate and per chat
//! (a chat not ready is skipped, not slept on), retrying
//! transient failures with backoff (or the platform's Retry-After) and never dropping a
//! message for an outage. Permanent failures are recorded with their reason.

use super::outcomes::DeliveryLog;
use super::pacing::{Deferred, Pacing};
use super::pause::{jittered, split_expired, LanePause};
use crate::capability::{self, fit, Capabilities, FitError};
use crate::message::Recipient;
use crate::metrics::{Metrics, METRICS};
use crate::ports::{Clock, Delivery, Outbound, OutboxRow, Progress, Settlement, Store};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{sleep, Instant};

/// Outcomes recorded together: at most this many…
const SETTLE_BATCH: usize = 32;
/// …or this old.
const SETTLE_EVERY: Duration = Duration::from_millis(200);

/// Longest wait between retries of one message.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

pub struct Dispatcher<S: Store> {
    pub store: Arc<S>,
    pub clock: Arc<dyn Clock>,
    /// Changes after every commit that queued messages.
    pub changed: watch::Receiver<u64>,
    /// How long an idle lane sleeps before it looks again (retries falling due).
    pub idle_poll: Duration,
}

impl<S: Store> Dispatcher<S> {
    /// One task per adapter; each ends when `shutdown` turns true.
    pub fn spawn(
        &self,
        adapters: Vec<Arc<dyn Outbound>>,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        self.spawn_observed(adapters, shutdown, Arc::new(DeliveryLog::default()))
    }

    /// `spawn`, recording each lane's outcomes in `log` (for `/readyz`).
    pub fn spawn_observed(
        &self,
        adapters: Vec<Arc<dyn Outbound>>,
        shutdown: watch::Receiver<bool>,
        log: Arc<DeliveryLog>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        adapters
            .into_iter()
            .map(|a| {
                let lane = Lane {
                    store: self.store.clone(),
                    clock: self.clock.clone(),
                    adapter: a,
                    changed: self.changed.clone(),
                    shutdown: shutdown.clone(),
                    idle_poll: self.idle_poll,
                    log: log.clone(),
                };
                tokio::spawn(lane.run())
            })
            .collect()
    }
}

struct Lane<S: Store> {
    store: Arc<S>,
    clock: Arc<dyn Clock>,
    adapter: Arc<dyn Outbound>,
    changed: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    idle_poll: Duration,
    log: Arc<DeliveryLog>,
}

pub fn backoff(attempts: u32) -> Duration {
    let secs = 1u64 << attempts.min(9);
    Duration::from_secs(secs).min(MAX_BACKOFF)
}

impl<S: Store> Lane<S> {
    async fn run(mut self) {
        let platform = self.adapter.platform();
        let filter = self.adapter.recipient_filter();
        let gap = Duration::from_secs_f64(1.0 / self.adapter.rate_per_second().max(0.01));
        let mut last_send = Instant::now() - gap;
        let max_batch = self.adapter.max_batch().max(1);
        let caps = self.adapter.capabilities();
        // A large fan-out waits staged and joins the outbox a window at a time (about two
        // seconds of sending, at least two pages): a reply queued after it waits behind
        // that window, not behind the whole fan-out.
        let page = max_batch.max(64) as u32;
        let window = ((self.adapter.rate_per_second() * 2.0) as u32)
            .min(5_000)
            .max(page * 2);
        let mut pacing = Pacing::default();
        let mut paused = LanePause::default();
        self.changed.mark_changed();
        loop {
            if *self.shutdown.borrow() {
                return;
            }
            if let Some(left) = paused.remaining(self.clock.now()) {
                // look again at least every idle_poll: the clock may be a test's
                self.wait_paused(left.min(self.idle_poll)).await;
                continue;
            }
            if let Err(e) = self.store.outbox_expand(platform, window).await {
                tracing::error!(error = %e, %platform, "staged fan-out not moved into the outbox");
            }
            let now = self.clock.now();
            let waiting = pacing.waiting(Instant::now());
            let rows = match self
                .store
                .outbox_due(platform, filter.as_deref(), &waiting, now, page)
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, %platform, "outbox read failed");
                    self.wait(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if rows.is_empty() {
                // Sleep until a row not held back falls due or a paced chat is ready again.
                let next = self
                    .store
                    .outbox_next_due(platform, filter.as_deref(), &waiting)
                    .await
                    .ok()
                    .flatten()
                    .map(|t| (t - now).to_std().unwrap_or(Duration::ZERO));
                let paced = pacing
                    .next_ready()
                    .map(|t| t.saturating_duration_since(Instant::now()));
                let wait = [next, paced]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap_or(self.idle_poll)
                    .min(self.idle_poll)
                    .max(Duration::from_millis(5));
                self.wait(wait).await;
                continue;
            }
            let (rows, mut settled) = split_expired(rows, self.clock.now());
            let mut since = Instant::now();
            let mut deferred = Deferred::default();
            let mut rows = rows.into_iter().peekable();
            while let Some(row) = rows.next() {
                if *self.shutdown.borrow() {
                    break;
                }
                if !pacing.may_send(&landing(&row, &caps), &mut deferred, Instant::now()) {
                    continue;
                }
                // Same message to several people in a row: one batch call where the
                // platform has one (a fan-out), else one delivery.
                let mut group = vec![row];
                while group.len() < max_batch {
                    match rows.peek() {
                        Some(next)
                            if batchable(&group[0], next)
                                && pacing.may_send(
                                    &landing(next, &caps),
                                    &mut deferred,
                                    Instant::now(),
                                ) =>
                        {
                            group.extend(rows.next())
                        }
                        _ => break,
                    }
                }
                let outcomes = if group.len() == 1 {
                    let (outcome, sends) = self.deliver(&group[0], gap, &mut last_send).await;
                    let to = &landing(&group[0], &caps);
                    pacing.sent(to, self.adapter.recipient_gap(to), sends, Instant::now());
                    vec![outcome]
                } else {
                    let out = self.deliver_batch(&group, gap, &mut last_send).await;
                    for row in &group {
                        let to = &landing(row, &caps);
                        pacing.sent(to, self.adapter.recipient_gap(to), 1, Instant::now());
                    }
                    out
                };
                let mut retry = false;
                for (row, outcome) in group.iter().zip(outcomes) {
                    let now = self.clock.now();
                    let retry_at = retry_time(now, row.attempts + 1, &outcome.0);
                    self.log.record(platform, &outcome.0, now);
                    match &outcome.0 {
                        Delivery::Sent { .. } => Metrics::inc(&METRICS.outbox_sent, 1),
                        Delivery::Retry { error, .. } => {
                            Metrics::inc(&METRICS.outbox_retried, 1);
                            tracing::warn!(%platform, id = %row.id, attempts = row.attempts + 1, %error, "delivery will be retried");
                        }
                        Delivery::Failed { error } => {
                            Metrics::inc(&METRICS.outbox_failed, 1);
                            tracing::error!(%platform, id = %row.id, %error, "delivery failed for good");
                        }
                    }
                    retry |= matches!(outcome.0, Delivery::Retry { .. });
                    paused.note(&outcome.0, now);
                    let progress = outcome.1;
                    let outcome = outcome.0;
                    settled.push(Settlement {
                        id: row.id,
                        attempts: row.attempts + 1,
                        outcome,
                        at: now,
                        retry_at,
                        progress,
                    });
                }
                if settled.len() >= SETTLE_BATCH || since.elapsed() >= SETTLE_EVERY {
                    self.settle(&mut settled).await;
                    since = Instant::now();
                }
                if retry {
                    // The platform is struggling: stop this round, let the backoff run.
                    break;
                }
            }
            self.settle(&mut settled).await;
        }
    }

    /// One call for a group of identical single-part messages.
    async fn deliver_batch(
        &self,
        group: &[OutboxRow],
        gap: Duration,
        last_send: &mut Instant,
    ) -> Vec<(Delivery, Progress)> {
        let mut fitted = Vec::with_capacity(group.len());
        for row in group {
            match fit(&row.reply, &row.to, &self.adapter.capabilities()) {
                Ok(mut parts) if parts.len() == 1 => fitted.push(parts.remove(0)),
                // Long text: deliver one by one after all.
                _ => {
                    let mut out = Vec::with_capacity(group.len());
                    for row in group {
                        out.push(self.deliver(row, gap, last_send).await.0);
                    }
                    return out;
                }
            }
        }
        let due = *last_send + gap;
        if due > Instant::now() {
            tokio::time::sleep_until(due).await;
        }
        *last_send = Instant::now();
        let mut out = self.adapter.deliver_batch(&fitted).await;
        // An adapter that answers short must not lose the rest: they go again.
        out.resize(
            group.len(),
            Delivery::Retry {
                after: None,
                error: "no outcome from the batch".into(),
                scope: Default::default(),
            },
        );
        out.into_iter().map(single_part).collect()
    }

    /// Records outcomes in one transaction. A crash before this re-sends at most these
    /// few messages: delivery is at least once.
    async fn settle(&self, settled: &mut Vec<Settlement>) {
        if let Err(e) = self.store.outbox_settle(settled).await {
            tracing::error!(error = %e, "could not record deliveries; they may be sent again");
        }
        settled.clear();
    }

    /// The platform said wait: new messages wait too, only shutdown cuts it short.
    async fn wait_paused(&mut self, d: Duration) {
        tokio::select! {
            _ = sleep(d) => {}
            _ = self.shutdown.changed() => {}
        }
    }

    async fn wait(&mut self, d: Duration) {
        tokio::select! {
            _ = sleep(d) => {}
            _ = self.changed.changed() => {}
            _ = self.shutdown.changed() => {}
        }
    }

    /// One message, part by part from the first one not delivered yet (a retry does not
    /// repeat earlier parts); with how far it got and the platform calls it took.
    async fn deliver(
        &self,
        row: &OutboxRow,
        gap: Duration,
        last_send: &mut Instant,
    ) -> ((Delivery, Progress), u32) {
        let parts = match fit(&row.reply, &row.to, &self.adapter.capabilities()) {
            Ok(p) => p,
            Err(e @ FitError::PrivateWithoutDm) => {
                let failed = Delivery::Failed {
                    error: e.to_string(),
                };
                return ((failed, row.progress.clone()), 0);
            }
        };
        // Parts of one message go as a short burst (the platforms tolerate one); the
        // chat's next message then waits a gap per part.
        let sends = parts.len() as u32 + u32::from(row.reply.attachment.is_some());
        let mut progress = row.progress.clone();
        for (i, part) in parts.iter().enumerate().skip(progress.parts_done as usize) {
            let due = *last_send + gap;
            if due > Instant::now() {
                tokio::time::sleep_until(due).await;
            }
            *last_send = Instant::now();
            let key = format!("{}-{i}", row.id.0);
            match self.adapter.deliver_part(part, &key).await {
                Delivery::Sent { message_id } => {
                    progress.parts_done = i as u32 + 1;
                    progress.part_ids.extend(message_id);
                }
                other => return ((other, progress), sends),
            }
        }
        let sent = Delivery::Sent {
            message_id: progress.part_ids.first().cloned(),
        };
        ((sent, progress), sends)
    }
}

/// A one-part delivery's progress: its id when sent.
fn single_part(d: Delivery) -> (Delivery, Progress) {
    let progress = match &d {
        Delivery::Sent { message_id } => Progress {
            parts_done: 1,
            part_ids: message_id.iter().cloned().collect(),
        },
        _ => Progress::default(),
    };
    (d, progress)
}

/// The chat a row is paced as: where it lands once fitted (`capability::landing`), not
/// the group it was asked in (20,000 tickets from one channel's slash commands were paced
/// at one per second). A row that cannot be fitted is paced as addressed; `fit` fails it.
fn landing(row: &OutboxRow, caps: &Capabilities) -> Recipient {
    capability::landing(&row.reply, &row.to, caps).unwrap_or_else(|_| row.to.clone())
}

/// Two messages may share a batch call: same direct message, nothing per-recipient.
fn batchable(a: &OutboxRow, b: &OutboxRow) -> bool {
    let simple = |r: &OutboxRow| {
        r.to.conversation.is_none()
            && r.reply.attachment.is_none()
            && r.reply.invite.is_none()
            && r.reply.reply_to.is_none()
    };
    simple(a) && simple(b) && a.reply == b.reply && a.to.user != b.to.user
}

fn retry_time(now: DateTime<Utc>, attempts: u32, outcome: &Delivery) -> DateTime<Utc> {
    let wait = match outcome {
        Delivery::Retry { after: Some(a), .. } => *a,
        _ => jittered(backoff(attempts)),
    };
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(300))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Reply;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(16));
        assert_eq!(backoff(40), MAX_BACKOFF);
    }

    #[test]
    fn a_platforms_retry_after_wins_over_the_backoff() {
        let now = Utc::now();
        let d = Delivery::Retry {
            after: Some(Duration::from_secs(30)),
            error: "429".into(),
            scope: Default::default(),
        };
        assert_eq!(retry_time(now, 1, &d), now + chrono::Duration::seconds(30));
        let d = Delivery::Retry {
            after: None,
            error: "timeout".into(),
            scope: Default::default(),
        };
        let wait = retry_time(now, 3, &d) - now;
        assert!(wait >= chrono::Duration::seconds(4) && wait <= chrono::Duration::seconds(8));
    }

    fn row(reply: Reply) -> OutboxRow {
        OutboxRow {
            id: crate::ids::OutboxId(1),
            to: Recipient {
                user: crate::ids::UserRef::new(crate::ids::Platform::Slack, "U1"),
                conversation: Some("C1".into()),
            },
            reply,
            attempts: 0,
            expires_at: None,
            progress: Progress::default(),
        }
    }

    /// Issue 15: a ticket asked for in a channel goes to the user's DM and is paced as
    /// that DM; a public reply stays paced as the channel.
    #[test]
    fn a_private_reply_is_paced_where_it_lands() {
        let caps = Capabilities::PLAIN;
        let private = landing(&row(Reply::text("ticket").private()), &caps);
        assert_eq!(private.conversation, None);
        assert_eq!(private.user.id, "U1");
        let public = landing(&row(Reply::text("hello")), &caps);
        assert_eq!(public.conversation.as_deref(), Some("C1"));
        let no_dm = Capabilities {
            direct_messages: false,
            ..Capabilities::PLAIN
        };
        let kept = landing(&row(Reply::text("ticket").private()), &no_dm);
        assert_eq!(kept.conversation.as_deref(), Some("C1"));
    }

    /// Issue 14 item 8: messages failing together must not retry in lockstep.
    #[test]
    fn backoff_is_jittered() {
        let now = Utc::now();
        let d = Delivery::Retry {
            after: None,
            error: "timeout".into(),
            scope: Default::default(),
        };
        let waits: std::collections::HashSet<_> =
            (0..50).map(|_| retry_time(now, 3, &d) - now).collect();
        eprintln!(
            "distinct waits for 50 retries at attempt 3: {}",
            waits.len()
        );
        assert!(waits.len() > 10, "{waits:?}");
        let lo = chrono::Duration::seconds(4);
        assert!(waits
            .iter()
            .all(|w| *w >= lo && *w <= chrono::Duration::seconds(8)));
    }
}
