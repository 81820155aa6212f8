//! Jobs with their applications and delivery records; subscribers to new jobs.

use super::StoreResult;
use crate::ids::{MemberId, UserRef};
use crate::job::{
    Applicant, DigestMode, Job, JobDraft, JobId, JobStatus, NotifyTarget, Subscriber, Tag,
};
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait JobTx {
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
}

#[trait_variant::make(Send)]
pub trait SubscriberTx {
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
}
