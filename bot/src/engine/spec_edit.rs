//! Spec versions with sections: `/spec-edit`, answers that update a tagged section, and
//! `/spec` for jobs that have a structured spec.

use super::{Ctx, Engine};
use crate::i18n::spec as t;
use crate::job::{Job, JobId, JobStatus};
use crate::message::{Outgoing, Reply};
use crate::ports::{StoreResult, Tx};
use crate::spec::tagging::excerpt;
use crate::spec::{criteria, Kind, Section, Spec};
use crate::thread::Question;
use chrono::{DateTime, Utc};

impl Engine {
    /// The job's structured spec; a job posted before them gets one from its text.
    async fn spec_or_legacy<T: Tx>(&self, tx: &mut T, job: &Job) -> StoreResult<Spec> {
        Ok(match self.current_spec(tx, job.id).await? {
            Some(s) => s,
            None => {
                let mut s = Spec::new(Kind::Other);
                s.sections
                    .insert(Section::Goal, job.draft.description.clone());
                s.acceptance = criteria(&job.draft.acceptance);
                s
            }
        })
    }

    pub(crate) async fn spec_edit<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        fields: &[(String, String)],
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if job.owner != cx.member.id && !self.is_operator(tx, cx).await? {
            cx.say_job(crate::i18n::JobMsg::NotOwner);
            return Ok(());
        }
        let l = cx.locale();
        if matches!(job.status, JobStatus::Accepted | JobStatus::Closed) {
            cx.send_here(Reply::text(t::edit_closed(&job, l)));
            return Ok(());
        }
        let mut spec = self.spec_or_legacy(tx, &job).await?;
        let mut changes = Vec::new();
        for (k, v) in fields {
            let Ok(v) = crate::validate::long_text(v, 2000) else {
                cx.send_here(Reply::text(t::edit_bad(k, l)));
                return Ok(());
            };
            if k == "kind" || k == "类型" {
                let Some(kind) = Kind::parse(&v) else {
                    cx.send_here(Reply::text(t::edit_bad(k, l)));
                    return Ok(());
                };
                spec.kind = kind;
                spec.close_point("kind");
                changes.push(format!("kind: '{}'", kind.as_str()));
                continue;
            }
            let Some(s) = Section::parse(k) else {
                cx.send_here(Reply::text(t::edit_bad(k, l)));
                return Ok(());
            };
            spec.answer_section(s, &v);
            spec.close_section_points(s);
            if crate::spec::is_unsure(&v) {
                spec.answer_section(s, &v);
            }
            changes.push(format!("{}: '{}'", s.key(), excerpt(&v)));
        }
        let change = format!("{} — /spec-edit", changes.join("; "));
        let v = self.spec_version(tx, id).await? + 1;
        tx.spec_doc_put(id, v, &spec, Some(&change), cx.now).await?;
        let ack = format!(
            "{}\n{}",
            t::edited(&job, v, &change, l),
            Engine::readiness_lines(&spec, l)
        );
        cx.send_here(Reply::text(ack));
        for a in tx.audience(id).await? {
            if a.member == job.owner || a.member == cx.member.id {
                continue;
            }
            let mut o = Outgoing::direct(
                &a.account,
                Reply::text(t::edited(&job, v, &change, a.locale)),
            );
            o.dedupe_key = Some(format!("job{id}:spec{v}:m{}", a.member));
            cx.out.push(o);
        }
        Ok(())
    }

    /// A public answer to a question tagged with a section: that section gains the answer
    /// in version `v`, with a changelog line, and its open points close.
    pub(crate) async fn spec_after_answer<T: Tx>(
        &self,
        tx: &mut T,
        job: &Job,
        q: &Question,
        v: u32,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(section) = tx.question_section(q.id).await? else {
            return Ok(());
        };
        let Some(mut spec) = self.current_spec(tx, job.id).await? else {
            return Ok(());
        };
        let answer = q
            .answer
            .as_ref()
            .map(|a| a.shown.clone())
            .unwrap_or_default();
        spec.append(section, &answer);
        let closed = spec.close_section_points(section);
        let mut change = format!(
            "{}: added '{}' — Q#{}",
            section.key(),
            excerpt(&answer),
            q.id
        );
        if !closed.is_empty() {
            change += &format!(" (closes {})", closed.join(", "));
        }
        tx.spec_doc_put(job.id, v, &spec, Some(&change), at).await
    }

    /// `/spec` for a job with a structured spec; `false` for one without (old view).
    pub(crate) async fn structured_spec<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        job: &Job,
        version: Option<u32>,
    ) -> StoreResult<bool> {
        let docs = tx.spec_docs(job.id).await?;
        if docs.is_empty() {
            return Ok(false);
        }
        let versions = tx.spec_versions(job.id).await?;
        let latest = self.spec_version(tx, job.id).await?;
        let n = version.unwrap_or(latest);
        let l = cx.locale();
        let Some(doc) = docs
            .iter()
            .rev()
            .find(|d| d.version <= n)
            .filter(|_| n <= latest)
        else {
            let m = crate::i18n::ThreadMsg::NoSuchVersion { job, latest };
            cx.say_thread(m);
            return Ok(true);
        };
        let (log, qas) = t::history(&docs, &versions, n, l);
        let text = t::view(job, n, &doc.spec, &log, &qas, l);
        // Contacts stay hidden until the job is assigned, as in relayed text.
        cx.send_here(Reply::text(self.shown(job, &text)));
        Ok(true)
    }
}
