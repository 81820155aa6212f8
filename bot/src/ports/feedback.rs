//! Feedback rows: one per salon and member, written when the member is first asked, so
//! nobody is asked twice.

use super::StoreResult;
use crate::feedback::{FeedbackRecord, Rating};
use crate::ids::{MemberId, SalonId, UserRef};
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait FeedbackTx {
    /// Records that `member` is asked about `salon` on `account`; `false` if they were
    /// asked before (the row exists).
    async fn feedback_ask_once(
        &mut self,
        salon: SalonId,
        member: MemberId,
        account: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn feedback_get(
        &mut self,
        salon: SalonId,
        member: MemberId,
    ) -> StoreResult<Option<FeedbackRecord>>;
    async fn feedback_rate(
        &mut self,
        salon: SalonId,
        member: MemberId,
        rating: Rating,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The suggestion (`None`: skipped); the feedback is finished.
    async fn feedback_comment(
        &mut self,
        salon: SalonId,
        member: MemberId,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Every row of a salon, oldest asked first.
    async fn feedback_list(&mut self, salon: SalonId) -> StoreResult<Vec<FeedbackRecord>>;
}
