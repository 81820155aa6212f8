//! Questions, spec versions, followers and the message-id map.

use super::SqliteTx;
use crate::convert::{ms, time, user};
use crate::db_err;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::{MemberId, Platform, UserRef};
use yunqi_bot::job::{JobId, NotifyTarget};
use yunqi_bot::ports::{StoreError, StoreResult};
use yunqi_bot::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};

const Q_COLS: &str = "id, job_id, asker_id, platform, user_id, conversation, message_id, text, shown, private, created_at, answer, answer_shown, answered_by, answered_at, reminders, last_reminded_at";

fn g(e: sqlx::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn question(r: &SqliteRow) -> StoreResult<Question> {
    let platform: String = r.try_get(3).map_err(g)?;
    let answer: Option<String> = r.try_get(11).map_err(g)?;
    let answer = match answer {
        Some(text) => Some(Answer {
            text,
            shown: r
                .try_get::<Option<String>, _>(12)
                .map_err(g)?
                .unwrap_or_default(),
            by: MemberId(r.try_get::<Option<i64>, _>(13).map_err(g)?.unwrap_or(0)),
            at: time(r.try_get::<Option<i64>, _>(14).map_err(g)?.unwrap_or(0)),
        }),
        None => None,
    };
    Ok(Question {
        id: QuestionId(r.try_get(0).map_err(g)?),
        q: NewQuestion {
            job: JobId(r.try_get(1).map_err(g)?),
            asker: MemberId(r.try_get(2).map_err(g)?),
            account: user(&platform, r.try_get(4).map_err(g)?)?,
            conversation: r.try_get(5).map_err(g)?,
            message_id: r.try_get(6).map_err(g)?,
            text: r.try_get(7).map_err(g)?,
            shown: r.try_get(8).map_err(g)?,
            private: r.try_get::<i64, _>(9).map_err(g)? != 0,
            at: time(r.try_get(10).map_err(g)?),
        },
        answer,
        reminders: u32::try_from(r.try_get::<i64, _>(15).map_err(g)?).unwrap_or(0),
        last_reminded_at: r.try_get::<Option<i64>, _>(16).map_err(g)?.map(time),
    })
}

impl SqliteTx {
    pub(super) async fn questions_where(
        &mut self,
        where_: &str,
        bind: i64,
    ) -> StoreResult<Vec<Question>> {
        let sql = format!("SELECT {Q_COLS} FROM questions q {where_}");
        let rows = sqlx::query(&sql)
            .bind(bind)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.iter().map(question).collect()
    }

    pub(super) async fn question_insert_impl(&mut self, q: &NewQuestion) -> StoreResult<Question> {
        self.flush().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO questions (job_id, asker_id, platform, user_id, conversation, message_id, text, shown, private, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        )
        .bind(q.job.0)
        .bind(q.asker.0)
        .bind(q.account.platform.as_str())
        .bind(&q.account.id)
        .bind(&q.conversation)
        .bind(&q.message_id)
        .bind(&q.text)
        .bind(&q.shown)
        .bind(q.private)
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

    pub(super) async fn question_answer_impl(
        &mut self,
        id: QuestionId,
        a: &Answer,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE questions SET answer = ?1, answer_shown = ?2, answered_by = ?3, answered_at = ?4 WHERE id = ?5 AND answer IS NULL")
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

    pub(super) async fn spec_versions_impl(&mut self, job: JobId) -> StoreResult<Vec<SpecVersion>> {
        let rows = sqlx::query("SELECT version, kind, a, b, question_id, created_at FROM spec_versions WHERE job_id = ?1 ORDER BY version")
            .bind(job.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(1).map_err(g)?;
                let (a, b): (String, String) = (r.try_get(2).map_err(g)?, r.try_get(3).map_err(g)?);
                let entry = if kind == "initial" {
                    SpecEntry::Initial {
                        description: a,
                        acceptance: b,
                    }
                } else {
                    SpecEntry::Qa {
                        question: QuestionId(
                            r.try_get::<Option<i64>, _>(4).map_err(g)?.unwrap_or(0),
                        ),
                        q: a,
                        a: b,
                    }
                };
                Ok(SpecVersion {
                    job,
                    version: u32::try_from(r.try_get::<i64, _>(0).map_err(g)?).unwrap_or(0),
                    entry,
                    at: time(r.try_get(5).map_err(g)?),
                })
            })
            .collect()
    }

    pub(super) async fn spec_append_impl(
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
             VALUES (?1, (SELECT COALESCE(MAX(version), 0) + 1 FROM spec_versions WHERE job_id = ?1), ?2, ?3, ?4, ?5, ?6) RETURNING version",
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

    pub(super) async fn audience_impl(&mut self, job: JobId) -> StoreResult<Vec<NotifyTarget>> {
        self.flush().await?;
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT f.member_id, f.platform, f.user_id, m.locale FROM followers f JOIN members m ON m.id = f.member_id WHERE f.job_id = ?1
             UNION
             SELECT a.member_id, a.platform, a.user_id, m.locale FROM applications a JOIN members m ON m.id = a.member_id
             WHERE a.job_id = ?1 AND a.member_id NOT IN (SELECT member_id FROM followers WHERE job_id = ?1)",
        )
        .bind(job.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(id, p, u, l)| {
                Ok(NotifyTarget {
                    member: MemberId(id),
                    locale: Locale::parse(&l).unwrap_or_default(),
                    account: user(&p, u)?,
                    quiet: None,
                })
            })
            .collect()
    }

    pub(super) async fn follow_impl(
        &mut self,
        job: JobId,
        m: MemberId,
        account: &UserRef,
    ) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query("INSERT INTO followers (job_id, member_id, platform, user_id) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(job_id, member_id) DO UPDATE SET platform = excluded.platform, user_id = excluded.user_id")
            .bind(job.0)
            .bind(m.0)
            .bind(account.platform.as_str())
            .bind(&account.id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(super) async fn message_ref_impl(
        &mut self,
        platform: Platform,
        message_id: &str,
    ) -> StoreResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT ref_key FROM message_map WHERE platform = ?1 AND message_id = ?2",
        )
        .bind(platform.as_str())
        .bind(message_id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)
    }
}
