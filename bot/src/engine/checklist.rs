//! Acceptance as a checklist: evidence per item from the developer, accept or reject per
//! item by the client, disputes settled by operators. Extends the job state machine:
//! assigned → delivered when every item has evidence, delivered → assigned when an item
//! is sent back, delivered → accepted when every item is accepted.

use super::{locale_of, may_become, Ctx, Engine};
use crate::command::Command;
use crate::dialogue::Dialogue;
use crate::i18n::{CheckMsg, JobMsg, Locale};
use crate::ids::UserRef;
use crate::job::{Job, JobId, JobStatus};
use crate::message::{Button, ButtonStyle, Reply};
use crate::ports::{StoreResult, Tx};
use crate::spec::checklist::{all_accepted, to_submit, Item, ItemStatus, Resolution};

impl Engine {
    fn say_check(&self, cx: &mut Ctx<'_>, m: CheckMsg) {
        let text = m.render(cx.locale());
        cx.send_here(Reply::text(text));
    }

    /// The assigned developer's account and language.
    async fn assignee_account<T: Tx>(
        &self,
        tx: &mut T,
        job: &Job,
    ) -> StoreResult<Option<(UserRef, Locale)>> {
        let Some(dev) = job.assignee else {
            return Ok(None);
        };
        Ok(tx
            .applicants(job.id)
            .await?
            .into_iter()
            .find(|a| a.member.id == dev)
            .map(|a| (a.account, a.member.locale)))
    }

    /// The job's items; created from the spec's criteria (or the acceptance line) the
    /// first time they are needed.
    async fn items_of<T: Tx>(&self, tx: &mut T, cx: &Ctx<'_>, job: &Job) -> StoreResult<Vec<Item>> {
        let items = tx.items(job.id).await?;
        if !items.is_empty() {
            return Ok(items);
        }
        let mut criteria = match self.current_spec(tx, job.id).await? {
            Some(s) => s.acceptance,
            None => crate::spec::criteria(&job.draft.acceptance),
        };
        if criteria.is_empty() {
            criteria.push(job.draft.acceptance.clone());
        }
        let items: Vec<Item> = criteria
            .into_iter()
            .enumerate()
            .map(|(i, text)| Item {
                n: i as u32 + 1,
                text,
                status: ItemStatus::Open,
                evidence: None,
                reason: None,
                updated_at: cx.now,
            })
            .collect();
        tx.items_put(job.id, &items).await?;
        Ok(items)
    }

    /// The job if the sender is its assigned developer and it is being delivered.
    async fn delivering_job<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<Option<Job>> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(None);
        };
        if job.assignee != Some(cx.member.id) {
            cx.say_job(JobMsg::NotAssignee);
            return Ok(None);
        }
        if !matches!(job.status, JobStatus::Assigned | JobStatus::Delivered) {
            cx.say_job(JobMsg::Illegal {
                job: &job,
                to: JobStatus::Delivered,
            });
            return Ok(None);
        }
        Ok(Some(job))
    }

    /// `/deliver <job>`: asks for evidence item by item.
    pub(crate) async fn deliver<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.delivering_job(tx, cx, id).await? else {
            return Ok(());
        };
        let items = self.items_of(tx, cx, &job).await?;
        let todo = to_submit(&items);
        if todo.is_empty() {
            self.say_check(cx, CheckMsg::AllSubmitted(&job));
            return Ok(());
        }
        self.ask_evidence(tx, cx, &job, &items, todo).await
    }

    async fn ask_evidence<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        job: &Job,
        items: &[Item],
        todo: Vec<u32>,
    ) -> StoreResult<()> {
        let Some(item) = todo.first().and_then(|n| items.iter().find(|i| i.n == *n)) else {
            return Ok(());
        };
        let m = CheckMsg::AskEvidence {
            job,
            item,
            total: items.len(),
        };
        self.say_check(cx, m);
        let state = Dialogue::Evidence {
            job: job.id,
            items: todo,
        };
        tx.dialogue_put(&cx.ev.user, &state, cx.now).await
    }

    /// `/deliver <job> <item> [evidence]`: one item, at once or asked for.
    pub(crate) async fn deliver_item<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        n: u32,
        evidence: Option<String>,
    ) -> StoreResult<()> {
        let Some(job) = self.delivering_job(tx, cx, id).await? else {
            return Ok(());
        };
        let items = self.items_of(tx, cx, &job).await?;
        match items.iter().find(|i| i.n == n) {
            None => self.say_check(cx, CheckMsg::NoSuchItem { job: &job, n }),
            Some(i) if i.status == ItemStatus::Accepted => {
                self.say_check(cx, CheckMsg::AlreadyAccepted { job: &job, n })
            }
            Some(_) => match evidence {
                Some(text) => self.evidence_step(tx, cx, id, n, text, Vec::new()).await?,
                None => self.ask_evidence(tx, cx, &job, &items, vec![n]).await?,
            },
        }
        Ok(())
    }

    /// One item's evidence (from the dialogue or inline); asks the next or hands over.
    pub(crate) async fn evidence_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        n: u32,
        text: String,
        rest: Vec<u32>,
    ) -> StoreResult<()> {
        tx.dialogue_delete(&cx.ev.user).await?;
        let Some(mut job) = self.delivering_job(tx, cx, id).await? else {
            return Ok(());
        };
        let mut items = self.items_of(tx, cx, &job).await?;
        let clean = crate::validate::CleanText::parse(&text)
            .ok()
            .map(|c| c.as_str().chars().take(1000).collect::<String>())
            .filter(|t| !t.trim().is_empty());
        let Some(evidence) = clean else {
            // Empty or unreadable: the same item again.
            let todo = [vec![n], rest].concat();
            return self.ask_evidence(tx, cx, &job, &items, todo).await;
        };
        let Some(item) = items.iter_mut().find(|i| i.n == n) else {
            self.say_check(cx, CheckMsg::NoSuchItem { job: &job, n });
            return Ok(());
        };
        if item.status == ItemStatus::Accepted {
            self.say_check(cx, CheckMsg::AlreadyAccepted { job: &job, n });
            return Ok(());
        }
        item.status = ItemStatus::Submitted;
        item.evidence = Some(evidence);
        item.reason = None;
        item.updated_at = cx.now;
        let changed = item.clone();
        tx.items_put(id, std::slice::from_ref(&changed)).await?;
        if !rest.is_empty() {
            return self.ask_evidence(tx, cx, &job, &items, rest).await;
        }
        let left = to_submit(&items);
        if !left.is_empty() {
            self.say_check(
                cx,
                CheckMsg::Submitted {
                    job: &job,
                    n,
                    left: &left,
                },
            );
            return Ok(());
        }
        if job.status == JobStatus::Assigned {
            job.status = JobStatus::Delivered;
            tx.job_update(&job).await?;
        }
        cx.say_job(JobMsg::DeliveredAck(&job));
        let l = locale_of(tx, job.owner).await?;
        let who = super::jobs::applicant_name(cx);
        let text = CheckMsg::ToClient {
            job: &job,
            who: &who,
            items: &items,
        }
        .render(l);
        let accept = Button {
            label: CheckMsg::AcceptAllButton.render(l),
            command: Command::Accept(id).to_text(),
            style: ButtonStyle::Primary,
        };
        cx.send(
            &job.owner_account,
            Reply::text(text).private().with_buttons(vec![accept]),
        );
        Ok(())
    }

    /// The job if the sender may judge its delivery (its client or an operator).
    async fn judged_job<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<Option<Job>> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(None);
        };
        if job.owner != cx.member.id && !self.is_operator(tx, cx).await? {
            cx.say_job(JobMsg::NotOwner);
            return Ok(None);
        }
        Ok(Some(job))
    }

    /// `/accept <job> [all]`: every submitted item; the job when that is all of them.
    pub(crate) async fn accept<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.judged_job(tx, cx, id).await? else {
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
        let Some(job) = self.judged_job(tx, cx, id).await? else {
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
    async fn complete<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>, mut job: Job) -> StoreResult<()> {
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
        let Some(mut job) = self.judged_job(tx, cx, id).await? else {
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
        let who = super::jobs::applicant_name(cx);
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
