//! Jobs, applications and delivery records. Not buffered: job work is rare next to
//! registrations; reads that join members flush the member buffer first.

use super::Db;
use super::SqlTx;
use crate::error::db_err;
use crate::rows::{ms, time, ApplicantRow, JobRow, MemberRow};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use yunqi_bot::ids::{MemberId, UserRef};
use yunqi_bot::job::{Applicant, Job, JobDraft, JobId, JobStatus, Tag};
use yunqi_bot::ports::{JobTx, StoreResult};

/// A value bound to a `jobs_where` query.
enum Bind {
    Int(i64),
    Text(String),
}

impl SqlTx {
    async fn jobs_where(&mut self, where_: &str, bind: Vec<Bind>) -> StoreResult<Vec<Job>> {
        let sql = format!("SELECT {} FROM jobs j {where_}", JobRow::COLS);
        let mut q = sqlx::query_as::<_, JobRow>(&sql);
        for b in bind {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        let rows = q.fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter().map(JobRow::into_job).collect()
    }
}

impl JobTx for SqlTx {
    async fn job_insert(
        &mut self,
        owner: MemberId,
        account: &UserRef,
        d: &JobDraft,
        status: JobStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Job> {
        self.flush().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO jobs (owner_id, platform, user_id, title, description, budget_min, budget_max, deadline, acceptance, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(owner.0)
        .bind(account.platform.as_str())
        .bind(&account.id)
        .bind(&d.title)
        .bind(&d.description)
        .bind(d.budget.min as i64)
        .bind(d.budget.max as i64)
        .bind(d.deadline.format("%Y-%m-%d").to_string())
        .bind(&d.acceptance)
        .bind(status.as_str())
        .bind(ms(at))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        let mut q = QueryBuilder::<Db>::new("INSERT INTO job_tags (job_id, tag, pos) ");
        q.push_values(d.tags.iter().enumerate(), |mut b, (i, t)| {
            b.push_bind(id)
                .push_bind(t.as_str().to_string())
                .push_bind(i as i64);
        });
        q.build().execute(&mut *self.tx).await.map_err(db_err)?;
        Ok(Job {
            id: JobId(id),
            owner,
            owner_account: account.clone(),
            draft: d.clone(),
            status,
            assignee: None,
            reason: None,
            created_at: time(ms(at)),
            published_at: None,
        })
    }

    async fn job_get(&mut self, id: JobId) -> StoreResult<Option<Job>> {
        Ok(self
            .jobs_where("WHERE j.id = $1", vec![Bind::Int(id.0)])
            .await?
            .pop())
    }

    async fn job_update(&mut self, j: &Job) -> StoreResult<()> {
        sqlx::query("UPDATE jobs SET status = $1, assignee_id = $2, reason = $3, published_at = $4 WHERE id = $5")
            .bind(j.status.as_str())
            .bind(j.assignee.map(|m| m.0))
            .bind(&j.reason)
            .bind(j.published_at.map(ms))
            .bind(j.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn jobs_with_status(
        &mut self,
        status: JobStatus,
        tag: Option<&Tag>,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        let mut bind = vec![Bind::Text(status.as_str().into()), Bind::Int(limit as i64)];
        let tag_filter = match tag {
            Some(t) => {
                bind.push(Bind::Text(t.as_str().into()));
                "AND j.id IN (SELECT job_id FROM job_tags WHERE tag = $3)"
            }
            None => "",
        };
        let where_ = format!("WHERE j.status = $1 {tag_filter} ORDER BY COALESCE(j.published_at, j.created_at) DESC, j.id DESC LIMIT $2");
        self.jobs_where(&where_, bind).await
    }

    async fn jobs_of(&mut self, owner: MemberId) -> StoreResult<Vec<Job>> {
        self.jobs_where(
            "WHERE j.owner_id = $1 ORDER BY j.id DESC",
            vec![Bind::Int(owner.0)],
        )
        .await
    }

    async fn jobs_published_since(&mut self, since: DateTime<Utc>) -> StoreResult<Vec<Job>> {
        self.jobs_where(
            "WHERE j.status = 'open' AND j.published_at > $1 ORDER BY j.published_at, j.id",
            vec![Bind::Int(ms(since))],
        )
        .await
    }

    async fn application_put(
        &mut self,
        job: JobId,
        m: MemberId,
        account: &UserRef,
        pitch: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.flush().await?;
        let existed: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM applications WHERE job_id = $1 AND member_id = $2",
        )
        .bind(job.0)
        .bind(m.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO applications (job_id, member_id, platform, user_id, pitch, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT(job_id, member_id) DO UPDATE SET pitch = excluded.pitch, platform = excluded.platform, user_id = excluded.user_id",
        )
        .bind(job.0)
        .bind(m.0)
        .bind(account.platform.as_str())
        .bind(&account.id)
        .bind(pitch)
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(existed.is_none())
    }

    async fn application_count(&mut self, job: JobId) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE job_id = $1")
            .bind(job.0)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    async fn applicants(&mut self, job: JobId) -> StoreResult<Vec<Applicant>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {}, {} FROM applications a JOIN members m ON m.id = a.member_id WHERE a.job_id = $1 ORDER BY a.created_at",
            MemberRow::COLS,
            ApplicantRow::COLS
        );
        let rows: Vec<ApplicantRow> = sqlx::query_as(&sql)
            .bind(job.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(ApplicantRow::into_applicant).collect()
    }

    async fn record_add(&mut self, m: MemberId, tags: &[Tag]) -> StoreResult<()> {
        self.flush().await?;
        for t in tags {
            sqlx::query("INSERT INTO records (member_id, tag, deliveries) VALUES ($1, $2, 1) ON CONFLICT(member_id, tag) DO UPDATE SET deliveries = records.deliveries + 1")
                .bind(m.0)
                .bind(t.as_str())
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    async fn record_of(&mut self, m: MemberId) -> StoreResult<Vec<(Tag, u32)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT tag, deliveries FROM records WHERE member_id = $1 ORDER BY deliveries DESC, tag")
            .bind(m.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| (Tag::from_stored(t), u32::try_from(n).unwrap_or(0)))
            .collect())
    }
}
