//! Ports: what the core needs from storage, time and platforms. Implementations live in
//! the `storage` and `adapters` crates; the core never sees SQL or HTTP.

use crate::capability::{Capabilities, Fitted};
use crate::dialogue::Dialogue;
use crate::i18n::Locale;
use crate::ids::{MemberId, OutboxId, Platform, RegistrationId, SalonId, UserRef};
use crate::job::{
    Applicant, DigestMode, Job, JobDraft, JobId, JobStatus, NotifyTarget, Subscriber, Tag,
};
use crate::message::{Outgoing, Recipient, Reply};
use crate::model::{
    Decision, Member, NewSalon, RegStatus, Registration, RegistrationRow, Salon, SeatCounts,
};
use crate::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use std::time::Duration;
use thiserror::Error;

mod inbound;
pub use inbound::*;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A rule the database enforces was broken (e.g. more seats held than the capacity).
    #[error("constraint: {0}")]
    Constraint(String),
    #[error("storage: {0}")]
    Backend(String),
    #[error("corrupt record: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One transaction. Everything an event changes, including the messages it causes, is
/// written through one `Tx` and committed together, or not at all.
#[trait_variant::make(Tx: Send)]
pub trait LocalTx {
    async fn commit(self) -> StoreResult<()>;
    async fn rollback(self) -> StoreResult<()>;

    /// A hint before a group of events is handled: the store may load these accounts and
    /// event ids at once instead of one query per event.
    async fn prefetch(
        &mut self,
        users: &[UserRef],
        events: &[(Platform, String)],
    ) -> StoreResult<()>;

    /// Records an inbound event id; `false` when it was seen before.
    async fn first_sighting(
        &mut self,
        platform: Platform,
        event_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The member behind an account, created (with `locale`) on first contact; `true` if new.
    async fn member_for(
        &mut self,
        user: &UserRef,
        locale: Locale,
        at: DateTime<Utc>,
    ) -> StoreResult<(Member, bool)>;
    async fn member_find(&mut self, user: &UserRef) -> StoreResult<Option<Member>>;
    async fn member_get(&mut self, id: MemberId) -> StoreResult<Option<Member>>;
    async fn member_save(&mut self, m: &Member) -> StoreResult<()>;
    async fn member_accounts(&mut self, id: MemberId) -> StoreResult<Vec<UserRef>>;
    /// Moves every account and registration of `from` to `into`; `from` is removed.
    async fn member_merge(&mut self, from: MemberId, into: MemberId) -> StoreResult<()>;
    async fn link_code_put(
        &mut self,
        code: &str,
        member: MemberId,
        expires: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Takes a code once; `None` when unknown or expired.
    async fn link_code_take(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MemberId>>;

    async fn dialogue_get(&mut self, user: &UserRef) -> StoreResult<Option<Dialogue>>;
    async fn dialogue_put(
        &mut self,
        user: &UserRef,
        d: &Dialogue,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn dialogue_delete(&mut self, user: &UserRef) -> StoreResult<()>;

    async fn salon_insert(&mut self, s: &NewSalon) -> StoreResult<SalonId>;
    async fn salon_count(&mut self) -> StoreResult<i64>;
    /// The salon with its seat counts.
    async fn salon_get(&mut self, id: SalonId) -> StoreResult<Option<(Salon, SeatCounts)>>;
    /// Salons that have not started yet, soonest first.
    async fn salons_upcoming(
        &mut self,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Salon, SeatCounts)>>;
    async fn salon_set_checkin_code(&mut self, id: SalonId, code: &str) -> StoreResult<()>;
    async fn salon_by_checkin_code(&mut self, code: &str) -> StoreResult<Option<Salon>>;
    /// Ended salons whose no-shows have not been recorded yet.
    async fn salons_ended_unsettled(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Salon>>;
    async fn salon_mark_settled(&mut self, id: SalonId) -> StoreResult<()>;

    async fn registration_latest(
        &mut self,
        salon: SalonId,
        member: MemberId,
    ) -> StoreResult<Option<Registration>>;
    async fn registration_insert(
        &mut self,
        salon: SalonId,
        member: MemberId,
        account: &UserRef,
        status: RegStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Registration>;
    /// Writes status, offer deadline and reason.
    async fn registration_update(&mut self, r: &Registration) -> StoreResult<()>;
    /// The latest registration of each member in one of `statuses`, oldest first (FIFO).
    async fn registrations(
        &mut self,
        salon: SalonId,
        statuses: &[RegStatus],
    ) -> StoreResult<Vec<RegistrationRow>>;
    async fn offers_expired(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Registration>>;
    async fn no_show_count(&mut self, member: MemberId) -> StoreResult<u32>;
    async fn decision_log(&mut self, d: &Decision) -> StoreResult<()>;
    /// Records that reminder `kind` went out for a registration; `false` if it had already.
    async fn reminder_once(
        &mut self,
        id: RegistrationId,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    async fn job_insert(
        &mut self,
        owner: MemberId,
        account: &UserRef,
        draft: &JobDraft,
        status: JobStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Job>;
    async fn job_get(&mut self, id: JobId) -> StoreResult<Option<Job>>;
    /// Writes status, assignee, reason and publication time.
    async fn job_update(&mut self, job: &Job) -> StoreResult<()>;
    /// Jobs in a status, optionally with a tag, newest first.
    async fn jobs_with_status(
        &mut self,
        status: JobStatus,
        tag: Option<&Tag>,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    async fn jobs_of(&mut self, owner: MemberId) -> StoreResult<Vec<Job>>;
    /// Open jobs published after `since`, oldest first (digests).
    async fn jobs_published_since(&mut self, since: DateTime<Utc>) -> StoreResult<Vec<Job>>;
    /// Records an application; `false` if this member had applied already (pitch updated).
    async fn application_put(
        &mut self,
        job: JobId,
        member: MemberId,
        account: &UserRef,
        pitch: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn application_count(&mut self, job: JobId) -> StoreResult<u32>;
    /// Applicants with their accepted deliveries sharing a tag with the job (unranked).
    async fn applicants(&mut self, job: JobId) -> StoreResult<Vec<Applicant>>;
    /// Adds one accepted delivery to the member's record for each tag.
    async fn record_add(&mut self, member: MemberId, tags: &[Tag]) -> StoreResult<()>;
    async fn record_of(&mut self, member: MemberId) -> StoreResult<Vec<(Tag, u32)>>;
    async fn subscriber_get(&mut self, member: MemberId) -> StoreResult<Option<Subscriber>>;
    /// Writes the subscriber's account, preferences and exactly these tags.
    async fn subscriber_save(&mut self, s: &Subscriber) -> StoreResult<()>;
    /// Subscribers in `mode` with a tag among `tags`, as notification targets.
    async fn notify_targets(
        &mut self,
        tags: &[Tag],
        mode: DigestMode,
    ) -> StoreResult<Vec<NotifyTarget>>;
    async fn subscribers_daily(&mut self) -> StoreResult<Vec<Subscriber>>;
    async fn meta_get(&mut self, key: &str) -> StoreResult<Option<String>>;
    async fn meta_put(&mut self, key: &str, value: &str) -> StoreResult<()>;

    async fn question_insert(&mut self, q: &NewQuestion) -> StoreResult<Question>;
    async fn question_get(&mut self, id: QuestionId) -> StoreResult<Option<Question>>;
    async fn question_answer(&mut self, id: QuestionId, a: &Answer) -> StoreResult<()>;
    async fn question_reminded(&mut self, id: QuestionId, at: DateTime<Utc>) -> StoreResult<()>;
    /// Every question about a job, oldest first (callers filter what may be shown).
    async fn questions_of_job(&mut self, job: JobId) -> StoreResult<Vec<Question>>;
    /// Unanswered questions on jobs this member posted.
    async fn questions_open_for(&mut self, owner: MemberId) -> StoreResult<Vec<Question>>;
    /// Every unanswered question with fewer than `max_reminders` reminders.
    async fn questions_to_remind(&mut self, max_reminders: u32) -> StoreResult<Vec<Question>>;
    /// Versions 1..=latest, oldest first.
    async fn spec_versions(&mut self, job: JobId) -> StoreResult<Vec<SpecVersion>>;
    /// Appends the next version; returns its number. Versions are never changed.
    async fn spec_append(
        &mut self,
        job: JobId,
        entry: &SpecEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<u32>;
    async fn follow(&mut self, job: JobId, member: MemberId, account: &UserRef) -> StoreResult<()>;
    async fn unfollow(&mut self, job: JobId, member: MemberId) -> StoreResult<()>;
    /// Followers and applicants of a job, once each.
    async fn audience(&mut self, job: JobId) -> StoreResult<Vec<NotifyTarget>>;
    /// What a delivered message stood for (`Outgoing::ref_key`), by its platform id.
    async fn message_ref(
        &mut self,
        platform: Platform,
        message_id: &str,
    ) -> StoreResult<Option<String>>;

    /// Queues messages in this transaction.
    async fn outbox_push(&mut self, msgs: &[Outgoing], at: DateTime<Utc>) -> StoreResult<()>;
}

/// A queued message as the dispatcher reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub to: Recipient,
    pub reply: Reply,
    pub attempts: u32,
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent {
        message_id: Option<String>,
    },
    /// Transient: try again, after `after` when the platform said so (Retry-After).
    Retry {
        after: Option<Duration>,
        error: String,
    },
    /// Permanent: recorded with the reason, never retried.
    Failed {
        error: String,
    },
}

/// One delivery attempt's outcome, for `Store::outbox_settle`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: OutboxId,
    pub attempts: u32,
    pub outcome: Delivery,
    pub at: DateTime<Utc>,
    /// When to try again after a `Delivery::Retry`.
    pub retry_at: DateTime<Utc>,
}

/// The store outside domain transactions: the outbox dispatcher's side.
#[trait_variant::make(Store: Send)]
pub trait LocalStore: Sync + 'static {
    type Tx: Tx;
    async fn begin(&self) -> StoreResult<Self::Tx>;
    /// Pending messages due now on a platform, oldest first; only for `recipient` if given.
    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>>;
    /// Records what became of delivery attempts, in one transaction.
    async fn outbox_settle(&self, settled: &[Settlement]) -> StoreResult<()>;
    /// Messages not yet delivered on a platform (for one recipient if given).
    async fn outbox_pending(&self, platform: Platform, recipient: Option<&str>)
        -> StoreResult<i64>;
    /// The earliest time a pending message becomes due, if any.
    async fn outbox_next_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<Option<DateTime<Utc>>>;
}

/// A platform's sending side.
pub trait Outbound: Send + Sync + 'static {
    fn platform(&self) -> Platform;
    fn capabilities(&self) -> Capabilities;
    /// Messages per second this adapter may send, sustained.
    fn rate_per_second(&self) -> f64 {
        10.0
    }
    /// Deliver only messages to this recipient (the console's attached user).
    fn recipient_filter(&self) -> Option<String> {
        None
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery>;
    /// Recipients one call may carry the same message to (WeCom app messages: 1000).
    fn max_batch(&self) -> usize {
        1
    }
    /// The same message to many recipients (`msgs` differ only in `to`); one outcome
    /// each, in order. A batch counts as one send against the lane's rate.
    fn deliver_batch<'a>(&'a self, msgs: &'a [Fitted]) -> BoxFuture<'a, Vec<Delivery>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(msgs.len());
            for m in msgs {
                out.push(self.deliver(m).await);
            }
            out
        })
    }
}

/// Time, so tests control reminders, claim windows and digests.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock(std::sync::Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Small durable values adapters keep between runs (a pull cursor, a cached token).
pub trait Kv: Send + Sync + 'static {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>>;
    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>>;
}
