//! `yunqi export spec <job>`: the spec as Markdown, read through the domain ports.

use super::store::SqlStore;
use yunqi_bot::i18n::Locale;
use yunqi_bot::job::JobId;
use yunqi_bot::ports::prelude::*;
use yunqi_bot::ports::{Store, StoreResult};
use yunqi_bot::spec::{criteria, Kind, Section, Spec};

impl SqlStore {
    /// The job's current spec as Markdown; `None` when there is no such job.
    pub async fn export_spec(&self, job: i64, l: Locale) -> StoreResult<Option<String>> {
        let mut tx = self.begin().await?;
        let out = render(&mut tx, JobId(job), l).await;
        // Read only: nothing to keep.
        tx.rollback().await?;
        out
    }
}

async fn render(tx: &mut super::tx::SqlTx, id: JobId, l: Locale) -> StoreResult<Option<String>> {
    let Some(job) = tx.job_get(id).await? else {
        return Ok(None);
    };
    let docs = tx.spec_docs(id).await?;
    let versions = tx.spec_versions(id).await?;
    let spec = match docs.last() {
        Some(d) => d.spec.clone(),
        None => {
            // Posted before structured specs: its description and acceptance line.
            let mut s = Spec::new(Kind::Other);
            s.sections
                .insert(Section::Goal, job.draft.description.clone());
            s.acceptance = criteria(&job.draft.acceptance);
            s
        }
    };
    let latest = docs
        .last()
        .map(|d| d.version)
        .max(versions.last().map(|v| v.version))
        .unwrap_or(1);
    let items = tx.items(id).await?;
    let (log, qas) = yunqi_bot::i18n::spec::history(&docs, &versions, latest, l);
    Ok(Some(yunqi_bot::spec::markdown::render(
        &job, latest, &spec, &items, &log, &qas, l,
    )))
}
