//! Row shapes of `export.rs`, shared by both backends.

use crate::rows::time;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// One line of `yunqi export salon`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub position: String,
    pub years: String,
    pub status: String,
    pub platform: String,
    pub user: String,
    pub registered_at: DateTime<Utc>,
}

/// `COLS` over `registrations r JOIN members m`.
#[derive(FromRow)]
pub(crate) struct SalonExportRow {
    id: i64,
    name: Option<String>,
    phone: Option<String>,
    position: Option<String>,
    years: Option<i64>,
    status: String,
    platform: String,
    user_id: String,
    created_at: i64,
}

impl SalonExportRow {
    pub(crate) const COLS: &'static str = "r.id AS id, m.name AS name, m.phone AS phone, \
        m.position AS position, m.years AS years, r.status AS status, r.platform AS platform, \
        r.user_id AS user_id, r.created_at AS created_at";
}

impl From<SalonExportRow> for ExportRow {
    fn from(r: SalonExportRow) -> ExportRow {
        ExportRow {
            id: r.id,
            name: r.name.unwrap_or_default(),
            phone: r.phone.unwrap_or_default(),
            position: r.position.unwrap_or_default(),
            years: r.years.map(|y| y.to_string()).unwrap_or_default(),
            status: r.status,
            platform: r.platform,
            user: r.user_id,
            registered_at: time(r.created_at),
        }
    }
}

/// One line of `yunqi export jobs`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobExportRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub client_platform: String,
    pub client_user: String,
    pub tags: String,
    pub budget_min: i64,
    pub budget_max: i64,
    pub deadline: String,
    /// `platform:id` of the assignee's first account.
    pub assignee: String,
    pub applicants: i64,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// `COLS` over `jobs j`.
#[derive(FromRow)]
pub(crate) struct JobsExportRow {
    id: i64,
    title: String,
    status: String,
    platform: String,
    user_id: String,
    tags: Option<String>,
    budget_min: i64,
    budget_max: i64,
    deadline: String,
    assignee: Option<String>,
    applicants: i64,
    created_at: i64,
    published_at: Option<i64>,
}

impl JobsExportRow {
    pub(crate) const COLS: &'static str = "j.id AS id, j.title AS title, j.status AS status, \
        j.platform AS platform, j.user_id AS user_id,
        (SELECT string_agg(tag, ' ' ORDER BY pos) FROM job_tags WHERE job_id = j.id) AS tags,
        j.budget_min AS budget_min, j.budget_max AS budget_max, j.deadline AS deadline,
        (SELECT a.platform || ':' || a.user_id FROM accounts a WHERE a.member_id = j.assignee_id ORDER BY a.created_at LIMIT 1) AS assignee,
        (SELECT COUNT(*) FROM applications p WHERE p.job_id = j.id) AS applicants,
        j.created_at AS created_at, j.published_at AS published_at";
}

impl From<JobsExportRow> for JobExportRow {
    fn from(r: JobsExportRow) -> JobExportRow {
        JobExportRow {
            id: r.id,
            title: r.title,
            status: r.status,
            client_platform: r.platform,
            client_user: r.user_id,
            tags: r.tags.unwrap_or_default(),
            budget_min: r.budget_min,
            budget_max: r.budget_max,
            deadline: r.deadline,
            assignee: r.assignee.unwrap_or_default(),
            applicants: r.applicants,
            created_at: time(r.created_at),
            published_at: r.published_at.map(time),
        }
    }
}

/// One line of `yunqi export feedback`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackExportRow {
    pub salon: i64,
    pub user: String,
    pub platform: String,
    pub rating: i64,
    /// Empty when skipped or not given yet.
    pub comment: String,
    pub answered_at: DateTime<Utc>,
}
