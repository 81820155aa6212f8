//! Jobs, the member's side: browse, subscribe, apply, deliver.

use super::{locale_of, Ctx, Engine};
use crate::command::Command;
use crate::i18n::{JobButton, JobMsg};
use crate::job::{DigestMode, Job, JobId, JobStatus, Quiet, Subscriber, Tag};
use crate::message::{Button, ButtonStyle, Reply};
use crate::ports::{StoreResult, Tx};

/// Most jobs in one listing.
const LIST_LIMIT: u32 = 20;

impl Engine {
    /// The job, or a "not found" reply. Drafts are visible to their client and operators only.
    pub(crate) async fn job_or_say<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<Option<Job>> {
        let job = tx.job_get(id).await?;
        let visible = match &job {
            Some(j) if j.status == JobStatus::Draft => {
                j.owner == cx.member.id || self.is_operator(tx, cx).await?
            }
            Some(_) => true,
            None => false,
        };
        if !visible {
            cx.say_job(JobMsg::NotFound(id.0));
            return Ok(None);
        }
        Ok(job)
    }

    pub(crate) async fn list_jobs<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        tag: Option<&str>,
    ) -> StoreResult<()> {
        let tag = match tag.map(Tag::parse) {
            Some(Ok(t)) => Some(t),
            Some(Err(why)) => {
                cx.say_job(JobMsg::Invalid {
                    field: crate::dialogue::JobField::Tags,
                    why,
                });
                return Ok(());
            }
            None => None,
        };
        let jobs = tx
            .jobs_with_status(JobStatus::Open, tag.as_ref(), LIST_LIMIT)
            .await?;
        let l = cx.locale();
        if jobs.is_empty() {
            cx.say_job(JobMsg::ListNone);
            return Ok(());
        }
        let mut text = JobMsg::ListHeader(tag.as_ref().map(Tag::as_str)).render(l);
        for j in &jobs {
            text.push('\n');
            text += &JobMsg::Line(j).render(l);
        }
        cx.send_here(Reply::text(text));
        Ok(())
    }

    pub(crate) async fn show_job<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let applicants = tx.application_count(id).await? as usize;
        let client = job.owner_account.to_string();
        let l = cx.locale();
        let version = self.spec_version(tx, id).await?;
        let shown = if job.owner == cx.member.id {
            job.clone()
        } else {
            self.public_view(&job)
        };
        let mut text = format!(
            "{}\n{}",
            JobMsg::Detail {
                job: &shown,
                client: &client,
                applicants
            }
            .render(l),
            crate::i18n::ThreadMsg::SpecLine { version, job: &job }.render(l)
        );
        if let Some(spec) = self.current_spec(tx, id).await? {
            text.push('\n');
            text += &Engine::readiness_lines(&spec, l);
        }
        cx.send_here(Reply::text(text));
        Ok(())
    }

    async fn subscriber<T: Tx>(&self, tx: &mut T, cx: &Ctx<'_>) -> StoreResult<Subscriber> {
        Ok(match tx.subscriber_get(cx.member.id).await? {
            Some(mut s) => {
                s.account = cx.ev.user.clone();
                s
            }
            None => Subscriber {
                member: cx.member.clone(),
                account: cx.ev.user.clone(),
                digest: DigestMode::Instant,
                quiet: None,
                tags: Vec::new(),
                last_digest_at: None,
            },
        })
    }

    pub(crate) async fn subscribe<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        words: &[String],
    ) -> StoreResult<()> {
        if words.is_empty() {
            let s = tx.subscriber_get(cx.member.id).await?;
            let tags: Vec<String> = s
                .map(|s| s.tags.iter().map(|t| t.to_string()).collect())
                .unwrap_or_default();
            cx.say_job(JobMsg::Subscribed(&tags));
            return Ok(());
        }
        let tags = match Tag::parse_list(&words.join(" ")) {
            Ok(t) => t,
            Err(why) => {
                cx.say_job(JobMsg::Invalid {
                    field: crate::dialogue::JobField::Tags,
                    why,
                });
                return Ok(());
            }
        };
        let mut s = self.subscriber(tx, cx).await?;
        for t in tags {
            if !s.tags.contains(&t) {
                s.tags.push(t);
            }
        }
        tx.subscriber_save(&s).await?;
        let names: Vec<String> = s.tags.iter().map(|t| t.to_string()).collect();
        cx.say_job(JobMsg::Subscribed(&names));
        Ok(())
    }

    pub(crate) async fn unsubscribe<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        words: &[String],
    ) -> StoreResult<()> {
        let mut s = self.subscriber(tx, cx).await?;
        if words.is_empty() {
            s.tags.clear();
        } else {
            let drop: Vec<Tag> = words.iter().filter_map(|w| Tag::parse(w).ok()).collect();
            s.tags.retain(|t| !drop.contains(t));
        }
        tx.subscriber_save(&s).await?;
        let names: Vec<String> = s.tags.iter().map(|t| t.to_string()).collect();
        cx.say_job(JobMsg::Subscribed(&names));
        Ok(())
    }

    pub(crate) async fn set_digest<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        mode: DigestMode,
    ) -> StoreResult<()> {
        let mut s = self.subscriber(tx, cx).await?;
        if mode == DigestMode::Daily && s.digest != DigestMode::Daily {
            s.last_digest_at = Some(cx.now);
        }
        s.digest = mode;
        tx.subscriber_save(&s).await?;
        cx.say_job(JobMsg::DigestSet(mode));
        Ok(())
    }

    pub(crate) async fn set_quiet<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        quiet: Option<Quiet>,
    ) -> StoreResult<()> {
        let mut s = self.subscriber(tx, cx).await?;
        s.quiet = quiet;
        tx.subscriber_save(&s).await?;
        cx.say_job(JobMsg::QuietSet(quiet));
        Ok(())
    }

    pub(crate) async fn apply<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        pitch: &str,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if job.status != JobStatus::Open {
            cx.say_job(JobMsg::NotOpen { job: &job });
            return Ok(());
        }
        if job.owner == cx.member.id {
            cx.say_job(JobMsg::ApplyOwn);
            return Ok(());
        }
        let Ok(clean) = crate::validate::CleanText::parse(pitch) else {
            let l = cx.locale();
            cx.send_here(Reply::text(crate::i18n::InputMsg::ControlChars.render(l)));
            return Ok(());
        };
        let pitch: String = clean.as_str().chars().take(500).collect();
        tx.application_put(id, cx.member.id, &cx.ev.user, &pitch, cx.now)
            .await?;
        cx.say_job(JobMsg::Applied(&job));
        let owner_locale = locale_of(tx, job.owner).await?;
        let who = applicant_name(cx);
        let text = JobMsg::NewApplicant {
            job: &job,
            who: &who,
            pitch: &pitch,
        }
        .render(owner_locale);
        let button = Button {
            label: JobMsg::Button(JobButton::Applicants).render(owner_locale),
            command: Command::Applicants(id).to_text(),
            style: ButtonStyle::Default,
        };
        cx.send(
            &job.owner_account,
            Reply::text(text).private().with_buttons(vec![button]),
        );
        Ok(())
    }
}

/// How a member is named to a client: their name and account.
pub(crate) fn applicant_name(cx: &Ctx<'_>) -> String {
    match &cx.member.name {
        Some(n) => format!("{} ({})", n.as_str(), cx.ev.user),
        None => cx.ev.user.to_string(),
    }
}
