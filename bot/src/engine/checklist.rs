//! Acceptance as a checklist: evidence per item from the developer, accept or reject per
//! item by the client, disputes settled by operators. Extends the job state machine:
//! assigned → delivered when every item has evidence, delivered → assigned when an item
//! is sent back, delivered → accepted when every item is accepted.

mod accept;
mod disputes;

use super::{locale_of, Ctx, Engine};
use crate::command::Command;
use crate::dialogue::Dialogue;
use crate::i18n::{CheckMsg, JobMsg, Locale};
use crate::ids::UserRef;
use crate::job::{Job, JobId, JobStatus};
use crate::message::{Button, ButtonStyle, Reply};
use crate::ports::{StoreResult, Tx};
use crate::spec::checklist::{to_submit, Item, ItemStatus};

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
}
