//! Jobs, the client's side: post, review applicants, assign, accept, close.

use super::{may_become, Ctx, Engine};
use crate::command::Command;
use crate::dialogue::Step;
use crate::i18n::{JobButton, JobMsg};
use crate::ids::UserRef;
use crate::job::{rank, Job, JobDraft, JobId, JobStatus};
use crate::message::{Button, ButtonStyle, Reply};
use crate::ports::{StoreResult, Tx};

/// Assign buttons offered under the applicant list.
const ASSIGN_BUTTONS: usize = 5;

impl Engine {
    pub(crate) async fn post<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        fields: &crate::command::JobFields,
    ) -> StoreResult<()> {
        let step = crate::spec::flow::start(&super::spec_post::inline(fields), self.today(cx.now));
        if matches!(step, Step::AskSpec { .. }) && *fields == Default::default() {
            cx.say_job(JobMsg::PostIntro);
        }
        self.apply_step(tx, cx, step).await
    }

    /// Every field is in: save the job, then publish it or queue it for review.
    pub(crate) async fn finish_post<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        draft: JobDraft,
        spec: Option<crate::spec::Spec>,
    ) -> StoreResult<()> {
        let status = if self.cfg.jobs.moderation {
            JobStatus::Draft
        } else {
            JobStatus::Open
        };
        let mut job = tx
            .job_insert(cx.member.id, &cx.ev.user, &draft, status, cx.now)
            .await?;
        // With a structured spec, version 1's text is the rendered spec.
        let description = match &spec {
            Some(s) => crate::i18n::spec::render(s, cx.locale()),
            None => draft.description.clone(),
        };
        let v1 = crate::thread::SpecEntry::Initial {
            description: self.shown(&job, &description),
            acceptance: self.shown(&job, &draft.acceptance),
        };
        let v = tx.spec_append(job.id, &v1, cx.now).await?;
        if let Some(s) = &spec {
            tx.spec_doc_put(job.id, v, s, None, cx.now).await?;
        }
        if status == JobStatus::Open {
            job.published_at = Some(cx.now);
            tx.job_update(&job).await?;
            let text = JobMsg::Posted { job: &job }.render(cx.locale());
            self.say_with_readiness(cx, text, spec.as_ref());
            let out = self.fan_out(tx, &job, cx.now).await?;
            cx.out.extend(out);
        } else {
            let text = JobMsg::AwaitingReview { job: &job }.render(cx.locale());
            self.say_with_readiness(cx, text, spec.as_ref());
            let client = job.owner_account.to_string();
            for (op, l) in self.operators(tx).await? {
                let mut text = JobMsg::NeedsReview {
                    job: &job,
                    client: &client,
                }
                .render(l);
                if let Some(s) = &spec {
                    text.push('\n');
                    text += &Engine::readiness_lines(s, l);
                }
                let publish = Button {
                    label: JobMsg::Button(JobButton::Publish).render(l),
                    command: Command::Publish(job.id).to_text(),
                    style: ButtonStyle::Primary,
                };
                cx.send(&op, Reply::text(text).private().with_buttons(vec![publish]));
            }
        }
        Ok(())
    }

    pub(crate) async fn my_jobs<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let jobs = tx.jobs_of(cx.member.id).await?;
        if jobs.is_empty() {
            cx.say_job(JobMsg::MyNone);
            return Ok(());
        }
        let l = cx.locale();
        let mut text = JobMsg::MyHeader.render(l);
        for j in &jobs {
            text += &format!(
                "\n[{}] {}",
                crate::i18n::job_status_name(j.status, l),
                JobMsg::Line(j).render(l)
            );
        }
        cx.send_here(Reply::text(text));
        Ok(())
    }

    /// The job if the sender may manage it (its client or an operator): posting,
    /// applicants, assignment and judging its delivery.
    pub(crate) async fn owned_job<T: Tx>(
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

    pub(crate) async fn list_applicants<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        let mut applicants = tx.applicants(id).await?;
        if applicants.is_empty() {
            cx.say_job(JobMsg::ApplicantsNone(&job));
            return Ok(());
        }
        rank(&mut applicants);
        let l = cx.locale();
        let mut text = JobMsg::ApplicantsHeader {
            job: &job,
            count: applicants.len(),
        }
        .render(l);
        let mut buttons = Vec::new();
        for (i, a) in applicants.iter().enumerate() {
            text.push('\n');
            text += &JobMsg::ApplicantLine {
                n: i + 1,
                a,
                job: id,
            }
            .render(l);
            if job.status == JobStatus::Open && i < ASSIGN_BUTTONS {
                let name = a
                    .member
                    .name
                    .as_ref()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_else(|| a.account.to_string());
                buttons.push(Button {
                    label: JobMsg::AssignTo(&name).render(l),
                    command: Command::Assign {
                        job: id,
                        user: a.account.to_string(),
                    }
                    .to_text(),
                    style: ButtonStyle::Default,
                });
            }
        }
        cx.send_here(Reply::text(text).private().with_buttons(buttons));
        Ok(())
    }

    pub(crate) async fn assign<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        who: &str,
    ) -> StoreResult<()> {
        let Some(mut job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        if !may_become(cx, &job, JobStatus::Assigned) {
            return Ok(());
        }
        let user = UserRef::parse_with_default(who, cx.ev.user.platform);
        let member = match &user {
            Some(u) => tx.member_find(u).await?,
            None => None,
        };
        let applicants = tx.applicants(id).await?;
        let Some(app) = member.and_then(|m| applicants.into_iter().find(|a| a.member.id == m.id))
        else {
            cx.say_job(JobMsg::NotApplicant(who));
            return Ok(());
        };
        job.status = JobStatus::Assigned;
        job.assignee = Some(app.member.id);
        tx.job_update(&job).await?;
        cx.say_job(JobMsg::Assigned { job: &job, who });
        let text = JobMsg::AssignedToYou(&job).render(app.member.locale);
        cx.send(&app.account, Reply::text(text).private());
        Ok(())
    }

    pub(crate) async fn close_job<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(mut job) = self.owned_job(tx, cx, id).await? else {
            return Ok(());
        };
        if !may_become(cx, &job, JobStatus::Closed) {
            return Ok(());
        }
        job.status = JobStatus::Closed;
        tx.job_update(&job).await?;
        cx.say_job(JobMsg::Closed(&job));
        Ok(())
    }
}
