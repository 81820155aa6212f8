//! Jobs, applicants, subscribers and fan-out targets.

use super::{corrupt, tags, time, user, MemberRow};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::FromRow;
use yunqi_bot::ids::MemberId;
use yunqi_bot::job::{
    Applicant, Budget, DigestMode, Job, JobDraft, JobId, JobStatus, NotifyTarget, Quiet, Subscriber,
};
use yunqi_bot::ports::StoreResult;
use yunqi_bot::Locale;

/// `COLS` over `jobs j`, with its tags in order.
#[derive(FromRow)]
pub struct JobRow {
    id: i64,
    owner_id: i64,
    platform: String,
    user_id: String,
    title: String,
    description: String,
    budget_min: i64,
    budget_max: i64,
    deadline: String,
    acceptance: String,
    status: String,
    assignee_id: Option<i64>,
    reason: Option<String>,
    created_at: i64,
    published_at: Option<i64>,
    tags: Option<String>,
}

impl JobRow {
    pub const COLS: &'static str = "j.id AS id, j.owner_id AS owner_id, j.platform AS platform, \
        j.user_id AS user_id, j.title AS title, j.description AS description, \
        j.budget_min AS budget_min, j.budget_max AS budget_max, j.deadline AS deadline, \
        j.acceptance AS acceptance, j.status AS status, j.assignee_id AS assignee_id, \
        j.reason AS reason, j.created_at AS created_at, j.published_at AS published_at, \
        (SELECT string_agg(tag, ',' ORDER BY pos) FROM job_tags WHERE job_id = j.id) AS tags";

    pub fn into_job(self) -> StoreResult<Job> {
        let u = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(Job {
            id: JobId(self.id),
            owner: MemberId(self.owner_id),
            owner_account: user(&self.platform, self.user_id)?,
            draft: JobDraft {
                title: self.title,
                description: self.description,
                budget: Budget {
                    min: u(self.budget_min),
                    max: u(self.budget_max),
                },
                deadline: NaiveDate::parse_from_str(&self.deadline, "%Y-%m-%d")
                    .map_err(|e| corrupt(format!("deadline: {e}")))?,
                acceptance: self.acceptance,
                tags: self.tags.as_deref().map(tags).unwrap_or_default(),
            },
            status: JobStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("job status {:?}", self.status)))?,
            assignee: self.assignee_id.map(MemberId),
            reason: self.reason,
            created_at: time(self.created_at),
            published_at: self.published_at.map(time),
        })
    }
}

/// An application with its member: `MemberRow::COLS, ApplicantRow::COLS` over
/// `applications a JOIN members m`; `$1` is the job.
#[derive(FromRow)]
pub struct ApplicantRow {
    #[sqlx(flatten)]
    member: MemberRow,
    platform: String,
    user_id: String,
    pitch: String,
    created_at: i64,
    matching: i64,
}

impl ApplicantRow {
    pub const COLS: &'static str = "a.platform AS platform, a.user_id AS user_id, \
        a.pitch AS pitch, a.created_at AS created_at,
        (SELECT COUNT(DISTINCT d.id) FROM jobs d JOIN job_tags t ON t.job_id = d.id
          WHERE d.assignee_id = a.member_id AND d.status = 'accepted'
            AND t.tag IN (SELECT tag FROM job_tags WHERE job_id = $1)) AS matching";

    pub fn into_applicant(self) -> StoreResult<Applicant> {
        Ok(Applicant {
            member: self.member.into_member()?,
            account: user(&self.platform, self.user_id)?,
            pitch: self.pitch,
            applied_at: time(self.created_at),
            matching_deliveries: u32::try_from(self.matching).unwrap_or(0),
        })
    }
}

fn digest(s: &str) -> DigestMode {
    if s == "daily" {
        DigestMode::Daily
    } else {
        DigestMode::Instant
    }
}

pub fn digest_text(d: DigestMode) -> &'static str {
    if d == DigestMode::Daily {
        "daily"
    } else {
        "instant"
    }
}

fn quiet(start: Option<i64>, end: Option<i64>) -> Option<Quiet> {
    match (start, end) {
        (Some(s), Some(e)) => Some(Quiet {
            start: s as u32,
            end: e as u32,
        }),
        _ => None,
    }
}

/// A subscriber with its member and tags: `MemberRow::COLS, SubscriberRow::COLS` over
/// `subscribers s JOIN members m`.
#[derive(FromRow)]
pub struct SubscriberRow {
    #[sqlx(flatten)]
    member: MemberRow,
    platform: String,
    user_id: String,
    digest: String,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
    last_digest_at: Option<i64>,
    tags: Option<String>,
}

impl SubscriberRow {
    pub const COLS: &'static str = "s.platform AS platform, s.user_id AS user_id, \
        s.digest AS digest, s.quiet_start AS quiet_start, s.quiet_end AS quiet_end, \
        s.last_digest_at AS last_digest_at,
        (SELECT string_agg(tag, ',' ORDER BY tag) FROM subscriptions x WHERE x.member_id = s.member_id) AS tags";

    pub fn into_subscriber(self) -> StoreResult<Subscriber> {
        Ok(Subscriber {
            member: self.member.into_member()?,
            account: user(&self.platform, self.user_id)?,
            digest: digest(&self.digest),
            quiet: quiet(self.quiet_start, self.quiet_end),
            last_digest_at: self.last_digest_at.map(time),
            tags: self.tags.as_deref().map(tags).unwrap_or_default(),
        })
    }
}

/// One fan-out target, an element of the JSON array `tx/subscribers.rs` builds (serde
/// reads a struct from an array in field order).
#[derive(Deserialize)]
pub struct TargetRow {
    member_id: i64,
    locale: String,
    platform: String,
    user_id: String,
    quiet_start: Option<i64>,
    quiet_end: Option<i64>,
}

impl TargetRow {
    pub fn into_target(self) -> StoreResult<NotifyTarget> {
        Ok(NotifyTarget {
            member: MemberId(self.member_id),
            locale: Locale::parse(&self.locale).unwrap_or_default(),
            account: user(&self.platform, self.user_id)?,
            quiet: quiet(self.quiet_start, self.quiet_end),
        })
    }
}
