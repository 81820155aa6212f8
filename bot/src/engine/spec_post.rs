//! The spec interview's side of the engine: questions, the review before publishing,
//! and the readiness shown to clients and developers.

use super::{Ctx, Engine};
use crate::command::JobFields;
use crate::dialogue::{Dialogue, Step};
use crate::i18n::spec as t;
use crate::i18n::Locale;
use crate::job::JobId;
use crate::message::Reply;
use crate::ports::{StoreResult, Tx};
use crate::spec::score::readiness;
use crate::spec::Spec;

/// Inline `/post` fields as `key=value` pairs for the interview, in a stable order.
pub(crate) fn inline(f: &JobFields) -> Vec<(String, String)> {
    let listed = [
        ("title", &f.title),
        ("description", &f.description),
        ("tags", &f.tags),
        ("budget", &f.budget),
        ("deadline", &f.deadline),
        ("acceptance", &f.acceptance),
    ];
    let mut out: Vec<(String, String)> = f
        .spec
        .iter()
        .filter(|(k, _)| k == "kind" || k == "类型")
        .cloned()
        .collect();
    out.extend(
        listed
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone()))),
    );
    out.extend(
        f.spec
            .iter()
            .filter(|(k, _)| k != "kind" && k != "类型")
            .cloned(),
    );
    out
}

impl Engine {
    pub(crate) async fn spec_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        step: Step,
    ) -> StoreResult<()> {
        let l = cx.locale();
        match step {
            Step::AskSpec { state, q, error } => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                cx.send_here(Reply::text(t::question(&q, error, l)));
            }
            Step::SpecReview { state, unclear } => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                if let Dialogue::Interview { draft, .. } = &state {
                    let text = format!(
                        "{}\n\n{}\n\n{}",
                        t::render(&draft.spec, l),
                        t::report(&readiness(&draft.spec), l),
                        t::review_prompt(unclear, l)
                    );
                    cx.send_here(Reply::text(text));
                }
            }
            Step::SpecDone(done) => {
                tx.dialogue_delete(&cx.ev.user).await?;
                let (draft, spec) = *done;
                self.finish_post(tx, cx, draft, Some(spec)).await?;
            }
            Step::Evidence {
                job,
                item,
                text,
                rest,
            } => self.evidence_step(tx, cx, job, item, text, rest).await?,
            _ => {}
        }
        Ok(())
    }

    /// `text`, followed by the score and what would raise it (one message).
    pub(crate) fn say_with_readiness(
        &self,
        cx: &mut Ctx<'_>,
        mut text: String,
        spec: Option<&Spec>,
    ) {
        if let Some(s) = spec {
            let r = readiness(s);
            text += "\n";
            text += &t::report(&r, cx.locale());
            if !r.lacks.is_empty() {
                text += "\n";
                text += &t::improve_hint(cx.locale());
            }
        }
        cx.send_here(Reply::text(text));
    }

    /// The current structured spec of a job, if it has one.
    pub(crate) async fn current_spec<T: Tx>(
        &self,
        tx: &mut T,
        job: JobId,
    ) -> StoreResult<Option<Spec>> {
        Ok(tx.spec_docs(job).await?.pop().map(|d| d.spec))
    }

    /// "Readiness 80/100 · 2 open point(s)" and the open points, for developers.
    pub(crate) fn readiness_lines(spec: &Spec, l: Locale) -> String {
        let r = readiness(spec);
        let mut s = t::score_line(&r, spec.open.len(), l);
        if !spec.open.is_empty() {
            let labels: Vec<String> = spec
                .open
                .iter()
                .map(|p| t::point_label(&p.key, l))
                .collect();
            s += &format!(" ({})", labels.join(", "));
        }
        s
    }
}
