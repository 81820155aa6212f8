//! Structured specs (a snapshot per spec version), question tags, the acceptance
//! checklist, disputes and on-time delivery records.

use super::StoreResult;
use crate::ids::MemberId;
use crate::job::JobId;
use crate::spec::checklist::{Dispute, Item, Resolution};
use crate::spec::{Section, Spec, SpecDoc};
use crate::thread::QuestionId;
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait SpecTx {
    /// Stores the structured spec as of `version` (append-only, like spec versions).
    async fn spec_doc_put(
        &mut self,
        job: JobId,
        version: u32,
        spec: &Spec,
        change: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Every snapshot, oldest first; empty for jobs posted before structured specs.
    async fn spec_docs(&mut self, job: JobId) -> StoreResult<Vec<SpecDoc>>;
    async fn question_section_put(&mut self, q: QuestionId, s: Section) -> StoreResult<()>;
    async fn question_section(&mut self, q: QuestionId) -> StoreResult<Option<Section>>;
    /// Writes the items (inserted or replaced by number).
    async fn items_put(&mut self, job: JobId, items: &[Item]) -> StoreResult<()>;
    async fn items(&mut self, job: JobId) -> StoreResult<Vec<Item>>;
    async fn dispute_open(
        &mut self,
        job: JobId,
        by: MemberId,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Dispute>;
    /// The job's unresolved dispute, if any.
    async fn dispute_current(&mut self, job: JobId) -> StoreResult<Option<Dispute>>;
    async fn dispute_resolve(
        &mut self,
        id: i64,
        how: Resolution,
        note: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Records an accepted job for the developer (once per job).
    async fn delivery_put(
        &mut self,
        job: JobId,
        member: MemberId,
        on_time: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// (accepted jobs, of which on time).
    async fn delivery_stats(&mut self, member: MemberId) -> StoreResult<(u32, u32)>;
}
