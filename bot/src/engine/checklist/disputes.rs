//! Disputes: either side asks operators, who settle with accepted or reopened.

use super::super::{locale_of, Ctx, Engine};
use crate::i18n::{CheckMsg, JobMsg};
use crate::job::{JobId, JobStatus};
use crate::message::Reply;
use crate::ports::{StoreResult, Tx};
use crate::spec::checklist::{ItemStatus, Resolution};

impl Engine {
    /// `/dispute <job> <reason>`: either side asks operators, who see the checklist.
    pub(crate) async fn dispute<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        reason: &str,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let client = job.owner == cx.member.id;
        if !client && job.assignee != Some(cx.member.id) {
            self.say_check(cx, CheckMsg::NotParty);
            return Ok(());
        }
        if !matches!(job.status, JobStatus::Assigned | JobStatus::Delivered) {
            cx.say_job(JobMsg::NotOpen { job: &job });
            return Ok(());
        }
        if tx.dispute_current(id).await?.is_some() {
            self.say_check(cx, CheckMsg::DisputeOpen(&job));
            return Ok(());
        }
        let reason = crate::validate::CleanText::strip(reason).into_string();
        tx.dispute_open(id, cx.member.id, &reason, cx.now).await?;
        let items = self.items_of(tx, cx, &job).await?;
        self.say_check(cx, CheckMsg::DisputeOpened(&job));
        let who = crate::engine::jobs::applicant_name(cx);
        for (op, l) in self.operators(tx).await? {
            let text = CheckMsg::ToOperators {
                job: &job,
                who: &who,
                reason: &reason,
                items: &items,
            }
            .render(l);
            cx.send(&op, Reply::text(text).private());
        }
        let other = if client {
            self.assignee_account(tx, &job).await?
        } else {
            Some((job.owner_account.clone(), locale_of(tx, job.owner).await?))
        };
        if let Some((to, l)) = other {
            let text = CheckMsg::ToOtherSide {
                job: &job,
                reason: &reason,
            }
            .render(l);
            cx.send(&to, Reply::text(text).private());
        }
        Ok(())
    }

    /// `/resolve <job> accepted|reopened <note>` (operators).
    pub(crate) async fn resolve<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        how: Resolution,
        note: &str,
    ) -> StoreResult<()> {
        let Some(mut job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let Some(d) = tx.dispute_current(id).await? else {
            self.say_check(cx, CheckMsg::NoDispute(&job));
            return Ok(());
        };
        let note = crate::validate::CleanText::strip(note).into_string();
        tx.dispute_resolve(d.id, how, &note, cx.now).await?;
        let mut items = self.items_of(tx, cx, &job).await?;
        match how {
            Resolution::Accepted => {
                for i in items
                    .iter_mut()
                    .filter(|i| i.status != ItemStatus::Accepted)
                {
                    i.status = ItemStatus::Accepted;
                    i.updated_at = cx.now;
                }
                tx.items_put(id, &items).await?;
            }
            Resolution::Reopened => {
                for i in items
                    .iter_mut()
                    .filter(|i| i.status == ItemStatus::Submitted)
                {
                    i.status = ItemStatus::Rejected;
                    i.reason = Some(note.clone());
                    i.updated_at = cx.now;
                }
                tx.items_put(id, &items).await?;
                if job.status == JobStatus::Delivered {
                    job.status = JobStatus::Assigned;
                    tx.job_update(&job).await?;
                }
            }
        }
        let m = |l| {
            CheckMsg::Resolved {
                job: &job,
                how,
                note: &note,
            }
            .render(l)
        };
        let here = m(cx.locale());
        cx.send_here(Reply::text(here));
        let client_l = locale_of(tx, job.owner).await?;
        cx.send(&job.owner_account, Reply::text(m(client_l)).private());
        if let Some((dev, l)) = self.assignee_account(tx, &job).await? {
            cx.send(&dev, Reply::text(m(l)).private());
        }
        if how == Resolution::Accepted {
            // An operator's verdict settles it whatever the step it had reached.
            job.status = JobStatus::Delivered;
            self.complete(tx, cx, job).await?;
        }
        Ok(())
    }
}
