//! The core's moving parts: one writer task that handles events in order and commits them
//! in groups (SQLite has one writer; see ARCHITECTURE.md), and the outbox dispatcher.

mod claimed;
mod dispatch;
mod lanes;
pub mod lease;
mod outcomes;
mod pacing;
mod pause;

pub use claimed::Claimed;
pub use dispatch::Dispatcher;
pub use lease::LeaseTerms;
pub use outcomes::{DeliveryLog, LaneStatus};

use crate::engine::Engine;
use crate::event::Inbound;
use crate::health::WriteHealth;
use crate::ids::Locale;
use crate::ids::UserRef;
use crate::message::Outgoing;
use crate::metrics::{Metrics, METRICS};
use crate::model::NewSalon;
use crate::ports::{
    Clock, CoreError, Durable, EventSink, Handled, MemberTx, MetaTx, OutboxTx, Store, StoreError,
    Tx,
};
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

/// Most events committed in one transaction.
const MAX_BATCH: usize = 512;

/// While writes fail, the writer tries a probe write this often, so health recovers
/// without waiting for user traffic.
const PROBE_EVERY: Duration = Duration::from_millis(500);

/// Bytes the probe writes (and frees again): writes work only if there is room for it.
const PROBE_BYTES: usize = 64 * 1024;

enum Work {
    Event(Box<Inbound>),
    Tick,
    Seed(Vec<NewSalon>),
    SetLocale(UserRef, Locale),
    /// Salons from config entries with a `key`, or `yunqi salon add`.
    AddSalons(Vec<(Option<String>, NewSalon)>),
}

type Reply = oneshot::Sender<Result<Handled, CoreError>>;

struct Job {
    work: Work,
    reply: Reply,
    submitted: Instant,
}

pub struct Core<S: Store> {
    store: Arc<S>,
    jobs: mpsc::Sender<Job>,
    outbox_changed: watch::Receiver<u64>,
    health: Arc<WriteHealth>,
}

impl<S: Store> Clone for Core<S> {
    fn clone(&self) -> Self {
        Core {
            store: self.store.clone(),
            jobs: self.jobs.clone(),
            outbox_changed: self.outbox_changed.clone(),
            health: self.health.clone(),
        }
    }
}

impl<S: Store> Core<S> {
    /// Starts the writer (a thread of its own) and the answerer task. The returned task ends
    /// when every `Core` handle is dropped and the last answers are out.
    pub fn start(
        store: Arc<S>,
        engine: Engine,
        clock: Arc<dyn Clock>,
    ) -> (Core<S>, tokio::task::JoinHandle<()>) {
        let (jobs, rx) = mpsc::channel(4096);
        let (changed_tx, changed_rx) = watch::channel(0u64);
        let health = Arc::new(WriteHealth::default());
        let (answers, groups) = mpsc::unbounded_channel();
        let answering = Answerer {
            health: health.clone(),
            changed: changed_tx.clone(),
        };
        let writer = Writer {
            store: store.clone(),
            engine,
            clock,
            changed: changed_tx,
            health: health.clone(),
            answers,
        };
        let answerer = tokio::spawn(answering.run(groups));
        // The writer runs on a thread of its own, in a current-thread runtime: each of a
        // group's round trips to SQLite's worker thread wakes it directly, instead of
        // queueing it behind the HTTP tasks on tokio's workers (ARCHITECTURE.md, "Where
        // the time goes").
        let (ended_tx, ended) = oneshot::channel();
        std::thread::Builder::new()
            .name("yunqi-writer".into())
            .spawn(move || {
                writer.store.writer_thread_started();
                let ran = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("the writer's runtime")
                        .block_on(writer.run(rx))
                }));
                let _ = ended_tx.send(ran);
            })
            .expect("the writer's thread");
        let handle = tokio::spawn(async move {
            let ended = ended.await;
            // The writer is gone, so is the channel's sender: the last answers go out.
            let _ = answerer.await;
            // A panic outside an event's handling ends this task as it ended the writer.
            if let Ok(Err(panic)) = ended {
                std::panic::resume_unwind(panic);
            }
        });
        (
            Core {
                store,
                jobs,
                outbox_changed: changed_rx,
                health,
            },
            handle,
        )
    }

    pub fn store(&self) -> &Arc<S> {
        &self.store
    }

    /// Whether the writer's last write committed (`/healthz`).
    pub fn health(&self) -> Arc<WriteHealth> {
        self.health.clone()
    }

    /// Bumped after every commit that queued messages; the dispatcher waits on it.
    pub fn outbox_changed(&self) -> watch::Receiver<u64> {
        self.outbox_changed.clone()
    }

    async fn send(&self, work: Work) -> Result<Handled, CoreError> {
        let (reply, rx) = oneshot::channel();
        self.jobs
            .send(Job {
                work,
                reply,
                submitted: Instant::now(),
            })
            .await
            .map_err(|_| CoreError::Stopped)?;
        rx.await.map_err(|_| CoreError::Stopped)?
    }

    /// Handles one event; returns once its effects (and messages) are committed.
    pub async fn submit(&self, ev: Inbound) -> Result<Handled, CoreError> {
        self.send(Work::Event(Box::new(ev))).await
    }

    /// Runs the clock-driven work (offers, reminders, no-shows) now.
    pub async fn tick(&self) -> Result<Handled, CoreError> {
        self.send(Work::Tick).await
    }

    pub async fn set_locale(&self, user: UserRef, locale: Locale) -> Result<Handled, CoreError> {
        self.send(Work::SetLocale(user, locale)).await
    }

    pub async fn seed(&self, salons: Vec<NewSalon>) -> Result<Handled, CoreError> {
        self.send(Work::Seed(salons)).await
    }

    /// Creates each salon whose key is not in the database yet (`Engine::add_salons`).
    pub async fn add_salons(
        &self,
        salons: Vec<(Option<String>, NewSalon)>,
    ) -> Result<Handled, CoreError> {
        self.send(Work::AddSalons(salons)).await
    }
}

impl<S: Store> EventSink for Core<S> {
    fn submit_event(
        &self,
        ev: Inbound,
    ) -> futures::future::BoxFuture<'_, Result<Handled, CoreError>> {
        Box::pin(self.submit(ev))
    }
}

struct Writer<S: Store> {
    store: Arc<S>,
    engine: Engine,
    clock: Arc<dyn Clock>,
    changed: watch::Sender<u64>,
    health: Arc<WriteHealth>,
    /// Groups committed, their answers waiting for the sync (`Answerer`).
    answers: mpsc::UnboundedSender<Committed>,
}

impl<S: Store> Writer<S> {
    async fn run(self, mut rx: mpsc::Receiver<Job>) {
        loop {
            let next = if self.health.is_failing() {
                match tokio::time::timeout(PROBE_EVERY, rx.recv()).await {
                    Ok(next) => next,
                    Err(_) => {
                        self.probe().await;
                        continue;
                    }
                }
            } else {
                rx.recv().await
            };
            let Some(first) = next else { break };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => batch.push(j),
                    Err(_) => break,
                }
            }
            self.run_batch(batch).await;
        }
    }

    /// All jobs in one transaction; if anything fails, each job again on its own, so one
    /// bad event costs only itself. The answers go out once the commit is durable
    /// (`Answerer`), while the writer goes on with the next group.
    async fn run_batch(&self, batch: Vec<Job>) {
        let mut durable = Vec::with_capacity(1);
        let results: Vec<Result<Handled, StoreError>> = match self.try_together(&batch).await {
            Ok((done, synced)) => {
                durable.push(synced);
                done.into_iter().map(Ok).collect()
            }
            Err(e) if batch.len() == 1 => vec![Err(e)],
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "batch failed; retrying its events one by one");
                let mut out = Vec::with_capacity(batch.len());
                for job in &batch {
                    out.push(match self.try_together(std::slice::from_ref(job)).await {
                        Ok((mut done, synced)) => {
                            durable.push(synced);
                            Ok(done.remove(0))
                        }
                        Err(e) => Err(e),
                    });
                }
                out
            }
        };
        let mut queued = 0;
        let mut answers = Vec::with_capacity(batch.len());
        for (job, result) in batch.into_iter().zip(results) {
            let answer = match result {
                Ok(done) => {
                    queued += done.queued;
                    Ok(done)
                }
                Err(e) => {
                    Metrics::inc(&METRICS.events_failed, 1);
                    if let Work::Event(ev) = &job.work {
                        tracing::error!(error = %e, conversation = %ev.conversation_key(), "event failed");
                        self.apologise(ev).await;
                    }
                    Err(CoreError::Failed(e.to_string()))
                }
            };
            answers.push((job.reply, job.submitted, answer));
        }
        let synced = futures::future::try_join_all(durable).map(|r| r.map(drop));
        // The answerer ends only after the writer: the channel cannot be closed here.
        let _ = self.answers.send(Committed {
            synced: Box::pin(synced),
            answers,
            queued,
            at: Instant::now(),
        });
    }

    /// Handles `jobs` in one transaction and commits it; the future resolves once the
    /// commit is durable.
    async fn try_together(&self, jobs: &[Job]) -> Result<(Vec<Handled>, Durable), StoreError> {
        let now = self.clock.now();
        let started = Instant::now();
        let mut tx = match self.store.begin().await {
            Ok(tx) => tx,
            Err(e) => {
                self.health.failed(&e);
                return Err(e);
            }
        };
        let (users, ids): (Vec<_>, Vec<_>) = jobs
            .iter()
            .filter_map(|j| match &j.work {
                Work::Event(ev) => Some((
                    ev.user.clone(),
                    ev.event_id.clone().map(|id| (ev.user.platform, id)),
                )),
                _ => None,
            })
            .unzip();
        let ids: Vec<_> = ids.into_iter().flatten().collect();
        let begun = Instant::now();
        if !users.is_empty() {
            tx.prefetch(&users, &ids).await?;
        }
        let prefetched = Instant::now();
        let mut done = Vec::with_capacity(jobs.len());
        let mut outbox = Vec::new();
        for job in jobs {
            let run = AssertUnwindSafe(self.run_one(&mut tx, &job.work, now))
                .catch_unwind()
                .await;
            let (out, duplicate) = match run {
                Ok(Ok(Some(out))) => (out, false),
                Ok(Ok(None)) => (Vec::new(), true),
                Ok(Err(e)) => {
                    let _ = tx.rollback().await;
                    if matches!(e, StoreError::Backend(_)) {
                        self.health.failed(&e);
                    }
                    return Err(e);
                }
                Err(_) => {
                    let _ = tx.rollback().await;
                    return Err(StoreError::Backend("handler panicked".into()));
                }
            };
            let (inline, queued): (Vec<_>, Vec<_>) = match &job.work {
                // An invitation into a platform group is carried out by the adapter's
                // outbound side: it stays in the outbox (durable) even when the reply is
                // answered inline. So is an image (a ticket's QR code): an inline answer
                // (a Slack response, a web page) cannot show one.
                Work::Event(ev) if ev.reply_inline => out.into_iter().partition(|o| {
                    o.to.user == ev.user
                        && o.to.conversation == ev.conversation
                        && o.reply.invite.as_ref().is_none_or(|i| i.group.is_none())
                        && o.reply.attachment.as_ref().is_none_or(|a| !a.is_image())
                }),
                _ => (Vec::new(), out),
            };
            done.push(Handled {
                inline,
                queued: queued.len(),
                duplicate,
            });
            outbox.extend(queued);
        }
        if !outbox.is_empty() {
            tx.outbox_push(outbox, now).await?;
        }
        let committing = Instant::now();
        let synced = match tx.commit_unsynced().await {
            Ok(synced) => synced,
            Err(e) => {
                self.health.failed(&e);
                return Err(e);
            }
        };
        self.health.ok();
        // Where a group's time goes (ARCHITECTURE.md, "Where the time goes"):
        // RUST_LOG=yunqi::writer=debug.
        let us = |d: Duration| d.as_micros() as u64;
        let oldest = || jobs.iter().map(|j| j.submitted).min().unwrap_or(started);
        tracing::debug!(
            target: "yunqi::writer",
            events = jobs.len(),
            queued_us = us(started - oldest()),
            begin_us = us(begun - started),
            prefetch_us = us(prefetched - begun),
            engine_us = us(committing - prefetched),
            commit_us = us(committing.elapsed()),
            "write group"
        );
        record_group(jobs, committing.elapsed());
        Metrics::inc(&METRICS.batches, 1);
        let events = jobs
            .iter()
            .filter(|j| matches!(j.work, Work::Event(_)))
            .count();
        Metrics::inc(&METRICS.events, events as u64);
        Ok((done, synced))
    }

    async fn run_one(
        &self,
        tx: &mut S::Tx,
        work: &Work,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Vec<Outgoing>>, StoreError> {
        match work {
            Work::Event(ev) => {
                let span = tracing::debug_span!("event", conversation = %ev.conversation_key());
                let _g = span.enter();
                self.engine.handle_once(tx, ev, now).await
            }
            Work::Tick => self.engine.tick(tx, now).await.map(Some),
            Work::SetLocale(user, locale) => {
                self.engine.set_locale(tx, user, *locale, now).await?;
                Ok(Some(Vec::new()))
            }
            Work::AddSalons(entries) => self.engine.add_salons(tx, entries, now).await.map(Some),
            Work::Seed(salons) => {
                let n = self.engine.seed(tx, salons).await?;
                if n > 0 {
                    tracing::info!(salons = n, "seeded salons from config");
                }
                Ok(Some(Vec::new()))
            }
        }
    }

    /// A write that needs room (and leaves none used): commits only when writes work.
    async fn probe(&self) {
        let result: Result<(), StoreError> = async {
            let mut tx = self.store.begin().await?;
            tx.meta_put("write_probe", &" ".repeat(PROBE_BYTES)).await?;
            tx.meta_put("write_probe", "").await?;
            tx.commit().await
        }
        .await;
        match result {
            Ok(()) => {
                tracing::info!("writes work again");
                self.health.ok();
            }
            Err(e) => self.health.failed(&e),
        }
    }

    /// Tells the user something went wrong; the event itself is not marked seen, so a
    /// platform retry can still succeed.
    async fn apologise(&self, ev: &Inbound) {
        let now = self.clock.now();
        let result: Result<(), StoreError> = async {
            let mut tx = self.store.begin().await?;
            let locale = match tx.member_find(&ev.user).await? {
                Some(m) => m.locale,
                None => ev.locale_hint.unwrap_or_default(),
            };
            let text = crate::i18n::Msg::InternalError.render(locale);
            let to = crate::message::Recipient {
                user: ev.user.clone(),
                conversation: ev.conversation.clone(),
            };
            tx.outbox_push(
                vec![Outgoing::new(to, crate::message::Reply::text(text))],
                now,
            )
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "could not queue the apology either");
        } else {
            self.changed.send_modify(|v| *v += 1);
        }
    }
}

/// A committed group whose answers wait for its sync.
struct Committed {
    synced: Durable,
    answers: Vec<(Reply, Instant, Result<Handled, CoreError>)>,
    /// Messages the group queued.
    queued: usize,
    at: Instant,
}

/// Sends each group's answers once its commit is durable, in commit order (a later
/// group's sync covers an earlier one's too, but its answers must not overtake them).
struct Answerer {
    health: Arc<WriteHealth>,
    changed: watch::Sender<u64>,
}

impl Answerer {
    async fn run(self, mut groups: mpsc::UnboundedReceiver<Committed>) {
        while let Some(group) = groups.recv().await {
            let synced = group.synced.await;
            let waited = group.at.elapsed();
            // The disk's flush, as the answers saw it (0 where the commit synced itself).
            metrics::histogram!("yunqi_writer_sync_seconds").record(waited.as_secs_f64());
            tracing::debug!(
                target: "yunqi::writer",
                sync_us = waited.as_micros() as u64,
                "group synced"
            );
            self.send(group.answers, group.queued, synced);
        }
    }

    /// A commit whose sync failed is not acknowledged: its events answer as failed (as a
    /// COMMIT that failed to sync would have).
    fn send(
        &self,
        answers: Vec<(Reply, Instant, Result<Handled, CoreError>)>,
        queued: usize,
        synced: Result<(), StoreError>,
    ) {
        if let Err(e) = &synced {
            self.health.failed(e);
        }
        for (reply, submitted, answer) in answers {
            let answer = match (&synced, answer) {
                (Err(e), Ok(_)) => {
                    Metrics::inc(&METRICS.events_failed, 1);
                    Err(CoreError::Failed(e.to_string()))
                }
                (_, answer) => answer,
            };
            METRICS.observe_latency(submitted.elapsed().as_secs_f64());
            let _ = reply.send(answer);
        }
        // The rows are committed either way; the lanes claim them (a synced write) first.
        if queued > 0 {
            Metrics::inc(&METRICS.outbox_queued, queued as u64);
            self.changed.send_modify(|v| *v += 1);
        }
    }
}

/// Prometheus (through the `metrics` facade): group size, commit latency, inbound events
/// by platform and kind. Events are counted per (platform, kind) first: each labelled
/// `counter!` is a registry lookup, once per pair instead of once per event.
fn record_group(jobs: &[Job], commit: Duration) {
    metrics::histogram!("yunqi_writer_group_size").record(jobs.len() as f64);
    metrics::histogram!("yunqi_writer_commit_seconds").record(commit.as_secs_f64());
    let mut counts: Vec<(&'static str, &'static str, u64)> = Vec::new();
    for job in jobs {
        if let Work::Event(ev) = &job.work {
            let kind = match ev.kind {
                crate::event::EventKind::Text(_) => "text",
                crate::event::EventKind::Button(_) => "button",
                crate::event::EventKind::Joined { .. } => "joined",
            };
            let platform = ev.user.platform.as_str();
            match counts.iter_mut().find(|c| c.0 == platform && c.1 == kind) {
                Some(c) => c.2 += 1,
                None => counts.push((platform, kind, 1)),
            }
        }
    }
    for (platform, kind, n) in counts {
        metrics::counter!("yunqi_inbound_events_total", "platform" => platform, "kind" => kind)
            .increment(n);
    }
}
