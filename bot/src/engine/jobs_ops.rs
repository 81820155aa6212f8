//! Jobs, the operators' side and the fan-out: moderation, notifications, daily digests.

use super::{locale_of, may_become, Ctx, Engine};
use crate::command::Command;
use crate::i18n::{JobButton, JobMsg, Locale};
use crate::ids::UserRef;
use crate::job::{DigestMode, Job, JobId, JobStatus, Quiet};
use crate::message::{Button, ButtonStyle, Outgoing, Recipient, Reply};
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use std::collections::HashMap;
use std::sync::Arc;

const DIGEST_KEY: &str = "jobs.digest.last_run";

impl Engine {
    /// Today's date where the community lives (deadlines, digests, quiet hours).
    pub(crate) fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.cfg.jobs.timezone).date_naive()
    }

    pub(crate) async fn is_operator<T: Tx>(&self, tx: &mut T, cx: &Ctx<'_>) -> StoreResult<bool> {
        if self.cfg.jobs.operators.contains(&cx.ev.user) {
            return Ok(true);
        }
        if self.is_organizer(tx, cx).await? {
            return Ok(true);
        }
        if self
            .has_granted(tx, cx, crate::ports::GrantedRole::Operator)
            .await?
        {
            return Ok(true);
        }
        if self.cfg.jobs.operators.is_empty() {
            return Ok(false);
        }
        let accounts = tx.member_accounts(cx.member.id).await?;
        Ok(accounts.iter().any(|a| self.cfg.jobs.operators.contains(a)))
    }

    /// Operators (and organizers) with their language.
    pub(crate) async fn operators<T: Tx>(&self, tx: &mut T) -> StoreResult<Vec<(UserRef, Locale)>> {
        let mut all: Vec<&UserRef> = self
            .cfg
            .jobs
            .operators
            .iter()
            .chain(self.cfg.organizers.iter())
            .collect();
        all.sort();
        all.dedup();
        let mut out = Vec::with_capacity(all.len());
        for u in all {
            let l = tx
                .member_find(u)
                .await?
                .map(|m| m.locale)
                .unwrap_or_default();
            out.push((u.clone(), l));
        }
        Ok(out)
    }

    pub(crate) async fn moderation_queue<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
    ) -> StoreResult<()> {
        let drafts = tx.jobs_with_status(JobStatus::Draft, None, 50).await?;
        if drafts.is_empty() {
            cx.say_job(JobMsg::ReviewNone);
            return Ok(());
        }
        let l = cx.locale();
        let mut text = JobMsg::ReviewHeader(drafts.len()).render(l);
        let mut buttons = Vec::new();
        for j in &drafts {
            text += &format!("\n{}", JobMsg::Line(j).render(l));
            buttons.push(Button {
                label: format!(
                    "{} #{}",
                    JobMsg::Button(crate::i18n::JobButton::Publish).render(l),
                    j.id
                ),
                command: Command::Publish(j.id).to_text(),
                style: ButtonStyle::Primary,
            });
        }
        cx.send_here(Reply::text(text).private().with_buttons(buttons));
        Ok(())
    }

    pub(crate) async fn publish<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(mut job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if !may_become(cx, &job, JobStatus::Open) {
            return Ok(());
        }
        job.status = JobStatus::Open;
        job.published_at = Some(cx.now);
        tx.job_update(&job).await?;
        cx.say_job(JobMsg::Posted { job: &job });
        let owner_locale = locale_of(tx, job.owner).await?;
        cx.send(
            &job.owner_account,
            Reply::text(JobMsg::Published { job: &job }.render(owner_locale)).private(),
        );
        let out = self.fan_out(tx, &job, cx.now).await?;
        cx.out.extend(out);
        Ok(())
    }

    pub(crate) async fn decline<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        reason: &str,
    ) -> StoreResult<()> {
        let Some(mut job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if job.status != JobStatus::Draft {
            cx.say_job(JobMsg::Illegal {
                job: &job,
                to: JobStatus::Closed,
            });
            return Ok(());
        }
        job.status = JobStatus::Closed;
        // A decision should not fail on an invisible byte: the reason is stripped.
        let reason = crate::validate::CleanText::strip(reason).into_string();
        let reason = reason.as_str();
        job.reason = Some(reason.to_string());
        tx.job_update(&job).await?;
        cx.say_job(JobMsg::Closed(&job));
        let owner_locale = locale_of(tx, job.owner).await?;
        cx.send(
            &job.owner_account,
            Reply::text(JobMsg::Declined { job: &job, reason }.render(owner_locale)).private(),
        );
        Ok(())
    }

    /// One message per matching instant subscriber, written in the publishing transaction;
    /// a subscriber in quiet hours gets it when they end. Keyed so nobody hears twice.
    pub(crate) async fn fan_out<T: Tx>(
        &self,
        tx: &mut T,
        job: &Job,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Outgoing>> {
        let subs = tx
            .notify_targets(&job.draft.tags, DigestMode::Instant)
            .await?;
        let spec = self.current_spec(tx, job.id).await?;
        let job = &self.public_view(job);
        // One reply per locale, shared by its subscribers (not a copy each).
        let mut texts: HashMap<Locale, Arc<Reply>> = HashMap::new();
        let mut out = Vec::with_capacity(subs.len());
        for s in subs.into_iter().filter(|s| s.member != job.owner) {
            let l = s.locale;
            let reply = texts
                .entry(l)
                .or_insert_with(|| {
                    let details = Button {
                        label: JobMsg::Button(JobButton::Details).render(l),
                        command: Command::Job(job.id).to_text(),
                        style: ButtonStyle::Default,
                    };
                    let mut text = JobMsg::Notify { job }.render(l);
                    if let Some(spec) = &spec {
                        text.push('\n');
                        text += &Engine::readiness_lines(spec, l);
                    }
                    Arc::new(Reply::text(text).with_buttons(vec![details]))
                })
                .clone();
            let mut o = Outgoing::shared(Recipient::direct(s.account), reply);
            o.dedupe_key = Some(format!("job{}:notify:m{}", job.id, s.member));
            o.not_before = self.after_quiet(s.quiet, now);
            out.push(o);
        }
        // `[announce] jobs = true`: the community channels hear of it too.
        out.extend(self.job_channel_posts(job));
        Ok(out)
    }

    /// When quiet hours hold now, the moment they end.
    fn after_quiet(&self, quiet: Option<Quiet>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let q = quiet?;
        let local = now.with_timezone(&self.cfg.jobs.timezone);
        let left = q.minutes_left(local.hour() * 60 + local.minute());
        (left > 0).then(|| {
            now + Duration::minutes(left as i64) - Duration::seconds(local.second() as i64)
        })
    }

    /// Daily digests at `[jobs] digest_cron`: every new matching job since the last one.
    pub(crate) async fn digest_if_due<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        let last = tx
            .meta_get(DIGEST_KEY)
            .await?
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Utc));
        let Some(last) = last else {
            // First run of this database: the schedule starts now.
            return tx.meta_put(DIGEST_KEY, &now.to_rfc3339()).await;
        };
        let tz = self.cfg.jobs.timezone;
        let due = self
            .cfg
            .jobs
            .digest
            .after(&last.with_timezone(&tz))
            .next()
            .map(|t| t.with_timezone(&Utc));
        if due.is_none_or(|d| d > now) {
            return Ok(());
        }
        tx.meta_put(DIGEST_KEY, &now.to_rfc3339()).await?;
        let subs = tx.subscribers_daily().await?;
        let Some(since) = subs.iter().map(|s| s.last_digest_at.unwrap_or(last)).min() else {
            return Ok(());
        };
        let jobs = tx.jobs_published_since(since).await?;
        let day = now.with_timezone(&tz).date_naive();
        for mut s in subs {
            let from = s.last_digest_at.unwrap_or(last);
            let mine: Vec<Job> = jobs
                .iter()
                .filter(|j| {
                    j.owner != s.member.id
                        && j.published_at.is_some_and(|p| p > from)
                        && j.draft.tags.iter().any(|t| s.tags.contains(t))
                })
                .cloned()
                .collect();
            s.last_digest_at = Some(now);
            tx.subscriber_save(&s).await?;
            if mine.is_empty() {
                continue;
            }
            let text = JobMsg::Digest { jobs: &mine }.render(s.member.locale);
            let mut o = Outgoing::direct(&s.account, Reply::text(text));
            o.dedupe_key = Some(format!("digest:{day}:m{}", s.member.id));
            o.not_before = self.after_quiet(s.quiet, now);
            out.push(o);
        }
        Ok(())
    }
}
