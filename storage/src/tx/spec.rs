//! Structured spec snapshots, question tags, acceptance items, disputes, deliveries.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::{corrupt, ms, time};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::MemberId;
use yunqi_bot::job::JobId;
use yunqi_bot::ports::{SpecTx, StoreResult};
use yunqi_bot::spec::checklist::{Dispute, Item, ItemStatus, Resolution};
use yunqi_bot::spec::{Section, Spec, SpecDoc};
use yunqi_bot::thread::QuestionId;

type DisputeRow = (i64, i64, i64, String, i64, Option<String>, Option<String>);
/// item, text, status, evidence, reason, updated_at.
type ItemRow = (i64, String, String, Option<String>, Option<String>, i64);

fn dispute(r: DisputeRow) -> StoreResult<Dispute> {
    let resolution = match r.5 {
        None => None,
        Some(s) => Some((
            Resolution::parse(&s).ok_or_else(|| corrupt(format!("resolution {s:?}")))?,
            r.6.unwrap_or_default(),
        )),
    };
    Ok(Dispute {
        id: r.0,
        job: JobId(r.1),
        by: MemberId(r.2),
        reason: r.3,
        opened_at: time(r.4),
        resolution,
    })
}

impl SpecTx for SqlTx {
    async fn spec_doc_put(
        &mut self,
        job: JobId,
        version: u32,
        spec: &Spec,
        change: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.flush().await?;
        let json = serde_json::to_string(spec).map_err(|e| corrupt(e.to_string()))?;
        sqlx::query("INSERT INTO job_specs (job_id, version, spec, change, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(job.0)
            .bind(version as i64)
            .bind(json)
            .bind(change)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn spec_docs(&mut self, job: JobId) -> StoreResult<Vec<SpecDoc>> {
        let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT version, spec, change, created_at FROM job_specs WHERE job_id = $1 ORDER BY version",
        )
        .bind(job.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(v, json, change, at)| {
                Ok(SpecDoc {
                    version: u32::try_from(v).unwrap_or(0),
                    spec: serde_json::from_str(&json)
                        .map_err(|e| corrupt(format!("job_specs {}: {e}", job.0)))?,
                    change,
                    at: time(at),
                })
            })
            .collect()
    }

    async fn question_section_put(&mut self, q: QuestionId, s: Section) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query("INSERT INTO question_sections (question_id, section) VALUES ($1, $2) ON CONFLICT(question_id) DO UPDATE SET section = excluded.section")
            .bind(q.0)
            .bind(s.key())
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn question_section(&mut self, q: QuestionId) -> StoreResult<Option<Section>> {
        let s: Option<String> =
            sqlx::query_scalar("SELECT section FROM question_sections WHERE question_id = $1")
                .bind(q.0)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        Ok(s.and_then(|s| Section::parse(&s)))
    }

    async fn items_put(&mut self, job: JobId, items: &[Item]) -> StoreResult<()> {
        self.flush().await?;
        for i in items {
            sqlx::query("INSERT INTO acceptance_items (job_id, item, text, status, evidence, reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT(job_id, item) DO UPDATE SET text = excluded.text, status = excluded.status, evidence = excluded.evidence, reason = excluded.reason, updated_at = excluded.updated_at")
                .bind(job.0)
                .bind(i.n as i64)
                .bind(&i.text)
                .bind(i.status.as_str())
                .bind(&i.evidence)
                .bind(&i.reason)
                .bind(ms(i.updated_at))
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    async fn items(&mut self, job: JobId) -> StoreResult<Vec<Item>> {
        self.flush().await?;
        let rows: Vec<ItemRow> = sqlx::query_as(
            "SELECT item, text, status, evidence, reason, updated_at FROM acceptance_items WHERE job_id = $1 ORDER BY item",
        )
        .bind(job.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(n, text, status, evidence, reason, at)| {
                Ok(Item {
                    n: u32::try_from(n).unwrap_or(0),
                    text,
                    status: ItemStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("item status {status:?}")))?,
                    evidence,
                    reason,
                    updated_at: time(at),
                })
            })
            .collect()
    }

    async fn dispute_open(
        &mut self,
        job: JobId,
        by: MemberId,
        reason: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Dispute> {
        self.flush().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO disputes (job_id, member_id, reason, opened_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(job.0)
            .bind(by.0)
            .bind(reason)
            .bind(ms(at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(Dispute {
            id,
            job,
            by,
            reason: reason.to_string(),
            opened_at: time(ms(at)),
            resolution: None,
        })
    }

    async fn dispute_current(&mut self, job: JobId) -> StoreResult<Option<Dispute>> {
        self.flush().await?;
        let row: Option<DisputeRow> = sqlx::query_as(
            "SELECT id, job_id, member_id, reason, opened_at, resolution, note FROM disputes WHERE job_id = $1 AND resolution IS NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(job.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)?;
        row.map(dispute).transpose()
    }

    async fn dispute_resolve(
        &mut self,
        id: i64,
        how: Resolution,
        note: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE disputes SET resolution = $1, note = $2, resolved_at = $3 WHERE id = $4 AND resolution IS NULL")
            .bind(how.as_str())
            .bind(note)
            .bind(ms(at))
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delivery_put(
        &mut self,
        job: JobId,
        member: MemberId,
        on_time: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query("INSERT INTO deliveries (job_id, member_id, on_time, accepted_at) VALUES ($1, $2, $3, $4) ON CONFLICT(job_id) DO NOTHING")
            .bind(job.0)
            .bind(member.0)
            .bind(i64::from(on_time))
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delivery_stats(&mut self, member: MemberId) -> StoreResult<(u32, u32)> {
        self.flush().await?;
        let (n, on_time): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(on_time), 0) AS BIGINT) FROM deliveries WHERE member_id = $1",
        )
        .bind(member.0)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok((
            u32::try_from(n).unwrap_or(0),
            u32::try_from(on_time).unwrap_or(0),
        ))
    }
}
