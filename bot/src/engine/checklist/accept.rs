//! The client's side of the checklist: accept per item or all, send one back.

use super::super::{may_become, Ctx, Engine};
use crate::i18n::{CheckMsg, JobMsg};
use crate::job::{Job, JobId, JobStatus};
use crate::message::Reply;
use crate::ports::{StoreResult, Tx};
use crate::spec::checklist::{all_accepted, ItemStatus};

impl Engine {
    /// `/accept <job> [all]`: every submitted item; the job when that is all of them.
    pub(crate) async fn accept<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        if !may_become(cx, &job, JobStatus::Accepted) {
            return Ok(());
        }
        let mut items = self.items_of(tx, cx, &job).await?;
        for i in items
            .iter_mut()
            .filter(|i| i.status != ItemStatus::Accepted)
        {
            i.status = ItemStatus::Accepted;
            i.updated_at = cx.now;
        }
        tx.items_put(id, &items).await?;
        self.complete(tx, cx, job).await
    }

    /// `/accept <job> <item>`.
    pub(crate) async fn accept_item<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        n: u32,
    ) -> StoreResult<()> {
        let Some(job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        let mut items = tx.items(id).await?;
        let Some(item) = items.iter_mut().find(|i| i.n == n) else {
            self.say_check(cx, CheckMsg::NoSuchItem { job: &job, n });
            return Ok(());
        };
        match item.status {
            ItemStatus::Accepted => {
                self.say_check(cx, CheckMsg::AlreadyAccepted { job: &job, n });
                return Ok(());
            }
            ItemStatus::Open | ItemStatus::Rejected => {
                self.say_check(cx, CheckMsg::NotSubmitted { job: &job, n });
                return Ok(());
            }
            ItemStatus::Submitted => {}
        }
        item.status = ItemStatus::Accepted;
        item.updated_at = cx.now;
        let changed = item.clone();
        tx.items_put(id, std::slice::from_ref(&changed)).await?;
        if all_accepted(&items) && job.status == JobStatus::Delivered {
            return self.complete(tx, cx, job).await;
        }
        let left = items
            .iter()
            .filter(|i| i.status != ItemStatus::Accepted)
            .count();
        self.say_check(cx, CheckMsg::ItemAccepted { job: &job, n, left });
        if let Some((dev, l)) = self.assignee_account(tx, &job).await? {
            let text = CheckMsg::ItemAcceptedDev { job: &job, n }.render(l);
            cx.send(&dev, Reply::text(text).private());
        }
        Ok(())
    }

    /// Every item accepted: the job is, and the developer's record counts it.
    pub(super) async fn complete<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        mut job: Job,
    ) -> StoreResult<()> {
        job.status = JobStatus::Accepted;
        tx.job_update(&job).await?;
        cx.say_job(JobMsg::AcceptedClient(&job));
        if let Some(dev) = job.assignee {
            tx.record_add(dev, &job.draft.tags).await?;
            let on_time = self.today(cx.now) <= job.draft.deadline;
            tx.delivery_put(job.id, dev, on_time, cx.now).await?;
            if let Some((account, l)) = self.assignee_account(tx, &job).await? {
                let text = JobMsg::AcceptedDev(&job).render(l);
                cx.send(&account, Reply::text(text).private());
            }
        }
        Ok(())
    }

    /// `/reject-item <job> <item> <reason>`: back to the developer with the reason.
    pub(crate) async fn reject_item<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        n: u32,
        reason: &str,
    ) -> StoreResult<()> {
        let Some(mut job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        let mut items = tx.items(id).await?;
        let Some(item) = items.iter_mut().find(|i| i.n == n) else {
            self.say_check(cx, CheckMsg::NoSuchItem { job: &job, n });
            return Ok(());
        };
        if item.status != ItemStatus::Submitted {
            let m = if item.status == ItemStatus::Accepted {
                CheckMsg::AlreadyAccepted { job: &job, n }
            } else {
                CheckMsg::NotSubmitted { job: &job, n }
            };
            self.say_check(cx, m);
            return Ok(());
        }
        item.status = ItemStatus::Rejected;
        item.reason = Some(crate::validate::CleanText::strip(reason).into_string());
        item.updated_at = cx.now;
        let changed = item.clone();
        tx.items_put(id, std::slice::from_ref(&changed)).await?;
        if job.status == JobStatus::Delivered {
            job.status = JobStatus::Assigned;
            tx.job_update(&job).await?;
        }
        self.say_check(cx, CheckMsg::ItemRejected { job: &job, n });
        if let Some((dev, l)) = self.assignee_account(tx, &job).await? {
            let text = CheckMsg::ItemRejectedDev {
                job: &job,
                item: &changed,
            }
            .render(l);
            cx.send(&dev, Reply::text(text).private());
        }
        Ok(())
    }
}
