//! Questions, spec versions, followers and the message-id map.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::{ms, time, AudienceRow, QuestionRow, SpecRow};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::{MemberId, Platform, UserRef};
use yunqi_bot::job::{JobId, NotifyTarget};
use yunqi_bot::ports::{StoreResult, ThreadTx};
use yunqi_bot::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};

impl SqlTx {
    async fn questions_where(&mut self, where_: &str, bind: i64) -> StoreResult<Vec<Question>> {
        let sql = format!("SELECT {} FROM questions q {where_}", QuestionRow::COLS);
        let rows: Vec<QuestionRow> = sqlx::query_as(&sql)
            .bind(bind)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(QuestionRow::into_question).collect()
    }
}

impl ThreadTx for SqlTx {
    async fn question_insert(&mut self, q: &NewQuestion) -> StoreResult<Question> {
        self.flush().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO questions (job_id, asker_id, platform, user_id, conversation, message_id, text, shown, private, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(q.job.0)
        .bind(q.asker.0)
        .bind(q.account.platform.as_str())
        .bind(&q.account.id)
        .bind(&q.conversation)
        .bind(&q.message_id)
        .bind(&q.text)
        .bind(&q.shown)
        .bind(i64::from(q.private))
        .bind(ms(q.at))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        let mut stored = q.clone();
        stored.at = time(ms(q.at));
        Ok(Question {
            id: QuestionId(id),
            q: stored,
            answer: None,
            reminders: 0,
            last_reminded_at: None,
        })
    }

    async fn question_get(&mut self, id: QuestionId) -> StoreResult<Option<Question>> {
        Ok(self.questions_where("WHERE q.id = $1", id.0).await?.pop())
    }

    async fn question_answer(&mut self, id: QuestionId, a: &Answer) -> StoreResult<()> {
        sqlx::query("UPDATE questions SET answer = $1, answer_shown = $2, answered_by = $3, answered_at = $4 WHERE id = $5 AND answer IS NULL")
            .bind(&a.text)
            .bind(&a.shown)
            .bind(a.by.0)
            .bind(ms(a.at))
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn question_reminded(&mut self, id: QuestionId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE questions SET reminders = reminders + 1, last_reminded_at = $1 WHERE id = $2",
        )
        .bind(ms(at))
        .bind(id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn questions_of_job(&mut self, job: JobId) -> StoreResult<Vec<Question>> {
        self.questions_where("WHERE q.job_id = $1 ORDER BY q.id", job.0)
            .await
    }

    async fn questions_open_for(&mut self, owner: MemberId) -> StoreResult<Vec<Question>> {
        self.questions_where("WHERE q.answer IS NULL AND q.job_id IN (SELECT id FROM jobs WHERE owner_id = $1) ORDER BY q.id", owner.0).await
    }

    async fn questions_to_remind(&mut self, max_reminders: u32) -> StoreResult<Vec<Question>> {
        self.questions_where(
            "WHERE q.answer IS NULL AND q.reminders < $1 ORDER BY q.id",
            max_reminders as i64,
        )
        .await
    }

    async fn spec_versions(&mut self, job: JobId) -> StoreResult<Vec<SpecVersion>> {
        let sql = format!(
            "SELECT {} FROM spec_versions WHERE job_id = $1 ORDER BY version",
            SpecRow::COLS
        );
        let rows: Vec<SpecRow> = sqlx::query_as(&sql)
            .bind(job.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| r.into_version(job)).collect())
    }

    async fn spec_append(
        &mut self,
        job: JobId,
        entry: &SpecEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<u32> {
        let (kind, a, b, q) = match entry {
            SpecEntry::Initial {
                description,
                acceptance,
            } => ("initial", description, acceptance, None),
            SpecEntry::Qa { question, q, a } => ("qa", q, a, Some(question.0)),
        };
        let v: i64 = sqlx::query_scalar(
            "INSERT INTO spec_versions (job_id, version, kind, a, b, question_id, created_at)
             VALUES ($1, (SELECT COALESCE(MAX(v), 0) + 1 FROM (SELECT MAX(version) AS v FROM spec_versions WHERE job_id = $1 UNION ALL SELECT MAX(version) FROM job_specs WHERE job_id = $1) AS vs), $2, $3, $4, $5, $6) RETURNING version",
        )
        .bind(job.0)
        .bind(kind)
        .bind(a)
        .bind(b)
        .bind(q)
        .bind(ms(at))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(u32::try_from(v).unwrap_or(0))
    }

    async fn follow(&mut self, job: JobId, m: MemberId, account: &UserRef) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query("INSERT INTO followers (job_id, member_id, platform, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT(job_id, member_id) DO UPDATE SET platform = excluded.platform, user_id = excluded.user_id")
            .bind(job.0)
            .bind(m.0)
            .bind(account.platform.as_str())
            .bind(&account.id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn unfollow(&mut self, job: JobId, member: MemberId) -> StoreResult<()> {
        sqlx::query("DELETE FROM followers WHERE job_id = $1 AND member_id = $2")
            .bind(job.0)
            .bind(member.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn audience(&mut self, job: JobId) -> StoreResult<Vec<NotifyTarget>> {
        self.flush().await?;
        let rows: Vec<AudienceRow> = sqlx::query_as(
            "SELECT f.member_id AS member_id, f.platform AS platform, f.user_id AS user_id, m.locale AS locale
             FROM followers f JOIN members m ON m.id = f.member_id WHERE f.job_id = $1
             UNION
             SELECT a.member_id, a.platform, a.user_id, m.locale FROM applications a JOIN members m ON m.id = a.member_id
             WHERE a.job_id = $1 AND a.member_id NOT IN (SELECT member_id FROM followers WHERE job_id = $1)",
        )
        .bind(job.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(AudienceRow::into_target).collect()
    }

    async fn message_ref(
        &mut self,
        platform: Platform,
        message_id: &str,
    ) -> StoreResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT ref_key FROM message_map WHERE platform = $1 AND message_id = $2",
        )
        .bind(platform.as_str())
        .bind(message_id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)
    }
}
