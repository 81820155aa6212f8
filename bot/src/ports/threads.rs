//! Clarification threads: questions, versioned specs, followers, and the message-id map
//! that ties a platform message back to the question it relayed.

use super::StoreResult;
use crate::ids::{MemberId, Platform, UserRef};
use crate::job::{JobId, NotifyTarget};
use crate::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait ThreadTx {
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
    /// Appends the next version (after any structured-spec edit); returns its number.
    /// Versions are never changed.
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
}
