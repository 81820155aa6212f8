//! Questions, spec versions and a job's audience.

use super::{time, user};
use sqlx::FromRow;
use yunqi_bot::ids::MemberId;
use yunqi_bot::job::{JobId, NotifyTarget};
use yunqi_bot::ports::StoreResult;
use yunqi_bot::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};
use yunqi_bot::Locale;

/// `COLS` over `questions q`.
#[derive(FromRow)]
pub struct QuestionRow {
    id: i64,
    job_id: i64,
    asker_id: i64,
    platform: String,
    user_id: String,
    conversation: Option<String>,
    message_id: Option<String>,
    text: String,
    shown: String,
    private: i64,
    created_at: i64,
    answer: Option<String>,
    answer_shown: Option<String>,
    answered_by: Option<i64>,
    answered_at: Option<i64>,
    reminders: i64,
    last_reminded_at: Option<i64>,
}

impl QuestionRow {
    pub const COLS: &'static str = "q.id AS id, q.job_id AS job_id, q.asker_id AS asker_id, \
        q.platform AS platform, q.user_id AS user_id, q.conversation AS conversation, \
        q.message_id AS message_id, q.text AS text, q.shown AS shown, q.private AS private, \
        q.created_at AS created_at, q.answer AS answer, q.answer_shown AS answer_shown, \
        q.answered_by AS answered_by, q.answered_at AS answered_at, q.reminders AS reminders, \
        q.last_reminded_at AS last_reminded_at";

    pub fn into_question(self) -> StoreResult<Question> {
        let answer = self.answer.map(|text| Answer {
            text,
            shown: self.answer_shown.unwrap_or_default(),
            by: MemberId(self.answered_by.unwrap_or(0)),
            at: time(self.answered_at.unwrap_or(0)),
        });
        Ok(Question {
            id: QuestionId(self.id),
            q: NewQuestion {
                job: JobId(self.job_id),
                asker: MemberId(self.asker_id),
                account: user(&self.platform, self.user_id)?,
                conversation: self.conversation,
                message_id: self.message_id,
                text: self.text,
                shown: self.shown,
                private: self.private != 0,
                at: time(self.created_at),
            },
            answer,
            reminders: u32::try_from(self.reminders).unwrap_or(0),
            last_reminded_at: self.last_reminded_at.map(time),
        })
    }
}

/// `COLS` over `spec_versions`.
#[derive(FromRow)]
pub struct SpecRow {
    version: i64,
    kind: String,
    a: String,
    b: String,
    question_id: Option<i64>,
    created_at: i64,
}

impl SpecRow {
    pub const COLS: &'static str = "version, kind, a, b, question_id, created_at";

    pub fn into_version(self, job: JobId) -> SpecVersion {
        let entry = if self.kind == "initial" {
            SpecEntry::Initial {
                description: self.a,
                acceptance: self.b,
            }
        } else {
            SpecEntry::Qa {
                question: QuestionId(self.question_id.unwrap_or(0)),
                q: self.a,
                a: self.b,
            }
        };
        SpecVersion {
            job,
            version: u32::try_from(self.version).unwrap_or(0),
            entry,
            at: time(self.created_at),
        }
    }
}

/// A follower or applicant to tell about a job.
#[derive(FromRow)]
pub struct AudienceRow {
    member_id: i64,
    platform: String,
    user_id: String,
    locale: String,
}

impl AudienceRow {
    pub fn into_target(self) -> StoreResult<NotifyTarget> {
        Ok(NotifyTarget {
            member: MemberId(self.member_id),
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            account: user(&self.platform, self.user_id)?,
            quiet: None,
        })
    }
}
