//! Jobs, applications, subscriptions and delivery records. Not buffered: job work is
//! rare next to registrations; reads that join members flush the member buffer first.

use super::SqliteTx;
use crate::convert::{member, ms, time, user, MEMBER_COLS};
use crate::db_err;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use yunqi_bot::ids::{MemberId, UserRef};
use yunqi_bot::job::{
    Applicant, Budget, DigestMode, Job, JobDraft, JobId, JobStatus, NotifyTarget, Quiet,
    Subscriber, Tag,
};
use yunqi_bot::ports::{StoreError, StoreResult};

pub const JOB_COLS: &str = "j.id, j.owner_id, j.platform, j.user_id, j.title, j.description, j.budget_min, j.budget_max, j.deadline, j.acceptance, j.status, j.assignee_id, j.reason, j.created_at, j.published_at,
    (SELECT group_concat(tag, ',') FROM (SELECT tag FROM job_tags WHERE job_id = j.id ORDER BY pos)) AS tags";

fn g(e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn tags(s: Option<String>) -> Vec<Tag> {
    s.map(|s| crate::convert::skills(&s)).unwrap_or_default()
}

pub fn job(row: &SqliteRow) -> StoreResult<Job> {
    let status: String = row.try_get(10).map_err(g)?;
    let deadline: String = row.try_get(8).map_err(g)?;
    let platform: String = row.try_get(2).map_err(g)?;
    let u = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(Job {
        id: JobId(row.try_get(0).map_err(g)?),
        owner: MemberId(row.try_get(1).map_err(g)?),
        owner_account: user(&platform, row.try_get(3).map_err(g)?)?,
        draft: JobDraft {
            title: row.try_get(4).map_err(g)?,
            description: row.try_get(5).map_err(g)?,
            budget: Budget {
                min: u(row.try_get(6).map_err(g)?),
                max: u(row.try_get(7).map_err(g)?),
            },
            deadline: NaiveDate::parse_from_str(&deadline, "%Y-%m-%d")
                .map_err(|e| StoreError::Corrupt(format!("deadline: {e}")))?,
            acceptance: row.try_get(9).map_err(g)?,
            tags: tags(row.try_get(15).map_err(g)?),
        },
        status: JobStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("job status {status:?}")))?,
        assignee: row.try_get::<Option<i64>, _>(11).map_err(g)?.map(MemberId),
        reason: row.try_get(12).map_err(g)?,
        created_at: time(row.try_get(13).map_err(g)?),
        published_at: row.try_get::<Option<i64>, _>(14).map_err(g)?.map(time),
    })
}

/// `MEMBER_COLS` then subscriber columns then its tags.
const SUB_COLS: &str =
    "s.platform, s.user_id, s.digest, s.quiet_start, s.quiet_end, s.last_digest_at,
    (SELECT group_concat(tag, ',') FROM subscriptions x WHERE x.member_id = s.member_id) AS tags";

fn member_at(row: &SqliteRow, i: usize) -> StoreResult<yunqi_bot::model::Member> {
    member((
        row.try_get(i).map_err(g)?,
        row.try_get(i + 1).map_err(g)?,
        row.try_get(i + 2).map_err(g)?,
        row.try_get(i + 3).map_err(g)?,
        row.try_get(i + 4).map_err(g)?,
        row.try_get(i + 5).map_err(g)?,
        row.try_get(i + 6).map_err(g)?,
    ))
}

fn subscriber(row: &SqliteRow) -> StoreResult<Subscriber> {
    let m = member_at(row, 0)?;
    let platform: String = row.try_get(7).map_err(g)?;
    let digest: String = row.try_get(9).map_err(g)?;
    let qs: Option<i64> = row.try_get(10).map_err(g)?;
    let qe: Option<i64> = row.try_get(11).map_err(g)?;
    Ok(Subscriber {
        member: m,
        account: user(&platform, row.try_get(8).map_err(g)?)?,
        digest: if digest == "daily" {
            DigestMode::Daily
        } else {
            DigestMode::Instant
        },
        quiet: match (qs, qe) {
            (Some(s), Some(e)) => Some(Quiet {
                start: s as u32,
                end: e as u32,
            }),
            _ => None,
        },
        last_digest_at: row.try_get::<Option<i64>, _>(12).map_err(g)?.map(time),
        tags: tags(row.try_get(13).map_err(g)?),
    })
}

impl SqliteTx {
    pub(super) async fn jobs_query(
        &mut self,
        where_: &str,
        bind: Vec<Bind>,
    ) -> StoreResult<Vec<Job>> {
        let sql = format!("SELECT {JOB_COLS} FROM jobs j {where_}");
        let mut q = sqlx::query(&sql);
        for b in bind {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        let rows = q.fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.iter().map(job).collect()
    }

    pub(super) async fn job_insert_impl(
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
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
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO job_tags (job_id, tag, pos) ");
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

    pub(super) async fn job_update_impl(&mut self, j: &Job) -> StoreResult<()> {
        sqlx::query("UPDATE jobs SET status = ?1, assignee_id = ?2, reason = ?3, published_at = ?4 WHERE id = ?5")
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

    pub(super) async fn application_put_impl(
        &mut self,
        job: JobId,
        m: MemberId,
        account: &UserRef,
        pitch: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.flush().await?;
        let existed: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM applications WHERE job_id = ?1 AND member_id = ?2")
                .bind(job.0)
                .bind(m.0)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO applications (job_id, member_id, platform, user_id, pitch, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
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

    pub(super) async fn applicants_impl(&mut self, job: JobId) -> StoreResult<Vec<Applicant>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {MEMBER_COLS}, a.platform, a.user_id, a.pitch, a.created_at,
               (SELECT COUNT(DISTINCT d.id) FROM jobs d JOIN job_tags t ON t.job_id = d.id
                 WHERE d.assignee_id = a.member_id AND d.status = 'accepted'
                   AND t.tag IN (SELECT tag FROM job_tags WHERE job_id = ?1))
             FROM applications a JOIN members m ON m.id = a.member_id WHERE a.job_id = ?1 ORDER BY a.created_at"
        );
        let rows = sqlx::query(&sql)
            .bind(job.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let platform: String = r.try_get(7).map_err(g)?;
                Ok(Applicant {
                    member: member_at(r, 0)?,
                    account: user(&platform, r.try_get(8).map_err(g)?)?,
                    pitch: r.try_get(9).map_err(g)?,
                    applied_at: time(r.try_get(10).map_err(g)?),
                    matching_deliveries: u32::try_from(r.try_get::<i64, _>(11).map_err(g)?)
                        .unwrap_or(0),
                })
            })
            .collect()
    }

    pub(super) async fn record_add_impl(&mut self, m: MemberId, tags: &[Tag]) -> StoreResult<()> {
        self.flush().await?;
        for t in tags {
            sqlx::query("INSERT INTO records (member_id, tag, deliveries) VALUES (?1, ?2, 1) ON CONFLICT(member_id, tag) DO UPDATE SET deliveries = deliveries + 1")
                .bind(m.0)
                .bind(t.as_str())
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        Ok(())
    }

    pub(super) async fn record_of_impl(&mut self, m: MemberId) -> StoreResult<Vec<(Tag, u32)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT tag, deliveries FROM records WHERE member_id = ?1 ORDER BY deliveries DESC, tag")
            .bind(m.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(t, n)| (Tag::from_stored(t), u32::try_from(n).unwrap_or(0)))
            .collect())
    }

    pub(super) async fn subscribers_where(
        &mut self,
        where_: &str,
        bind: Vec<Bind>,
    ) -> StoreResult<Vec<Subscriber>> {
        self.flush().await?;
        let sql = format!("SELECT {MEMBER_COLS}, {SUB_COLS} FROM subscribers s JOIN members m ON m.id = s.member_id {where_}");
        let mut q = sqlx::query(&sql);
        for b in bind {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        let rows = q.fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.iter().map(subscriber).collect()
    }

    /// One row holding a JSON array: a fan-out to thousands is one hand-off from SQLite's
    /// worker thread instead of one per subscriber.
    pub(super) async fn notify_targets_impl(
        &mut self,
        tags: &[Tag],
        mode: DigestMode,
    ) -> StoreResult<Vec<NotifyTarget>> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        self.flush().await?;
        let tag_json = serde_json::to_string(&tags.iter().map(|t| t.as_str()).collect::<Vec<_>>())
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let json: Option<String> = sqlx::query_scalar(
            "SELECT json_group_array(json_array(s.member_id, m.locale, s.platform, s.user_id, s.quiet_start, s.quiet_end))
             FROM subscribers s JOIN members m ON m.id = s.member_id
             WHERE s.digest = ?1 AND s.member_id IN (SELECT member_id FROM subscriptions WHERE tag IN (SELECT value FROM json_each(?2)))",
        )
        .bind(if mode == DigestMode::Daily { "daily" } else { "instant" })
        .bind(tag_json)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        type Row = (i64, String, String, String, Option<i64>, Option<i64>);
        let rows: Vec<Row> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| StoreError::Corrupt(format!("notify targets: {e}")))?;
        rows.into_iter()
            .map(|(id, locale, platform, uid, qs, qe)| {
                Ok(NotifyTarget {
                    member: MemberId(id),
                    locale: yunqi_bot::i18n::Locale::parse(&locale).unwrap_or_default(),
                    account: user(&platform, uid)?,
                    quiet: match (qs, qe) {
                        (Some(s), Some(e)) => Some(Quiet {
                            start: s as u32,
                            end: e as u32,
                        }),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    pub(super) async fn subscriber_save_impl(&mut self, s: &Subscriber) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "INSERT INTO subscribers (member_id, platform, user_id, digest, quiet_start, quiet_end, last_digest_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(member_id) DO UPDATE SET platform = excluded.platform, user_id = excluded.user_id, digest = excluded.digest,
               quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, last_digest_at = excluded.last_digest_at",
        )
        .bind(s.member.id.0)
        .bind(s.account.platform.as_str())
        .bind(&s.account.id)
        .bind(if s.digest == DigestMode::Daily { "daily" } else { "instant" })
        .bind(s.quiet.map(|q| q.start as i64))
        .bind(s.quiet.map(|q| q.end as i64))
        .bind(s.last_digest_at.map(ms))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM subscriptions WHERE member_id = ?1")
            .bind(s.member.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        if !s.tags.is_empty() {
            let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO subscriptions (member_id, tag) ");
            q.push_values(&s.tags, |mut b, t| {
                b.push_bind(s.member.id.0).push_bind(t.as_str().to_string());
            });
            q.build().execute(&mut *self.tx).await.map_err(db_err)?;
        }
        Ok(())
    }
}

pub enum Bind {
    Int(i64),
    Text(String),
}
