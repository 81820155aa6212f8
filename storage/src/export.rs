//! What `yunqi export` and tests read: flat rows for people, not domain records.

use crate::error::db_err;
use crate::rows::time;
use crate::SqliteStore;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use yunqi_bot::ports::StoreResult;

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
struct SalonExportRow {
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
    const COLS: &'static str = "r.id AS id, m.name AS name, m.phone AS phone, \
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
struct JobsExportRow {
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
    const COLS: &'static str = "j.id AS id, j.title AS title, j.status AS status, \
        j.platform AS platform, j.user_id AS user_id,
        (SELECT group_concat(tag, ' ') FROM (SELECT tag FROM job_tags WHERE job_id = j.id ORDER BY pos)) AS tags,
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

impl SqliteStore {
    /// For export and tests: every registration's latest row, with profile, oldest first.
    pub async fn export_salon(&self, salon: i64) -> StoreResult<Vec<ExportRow>> {
        let sql = format!(
            "SELECT {} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.id IN (SELECT MAX(id) FROM registrations WHERE salon_id = ?1 GROUP BY member_id)
             ORDER BY r.id",
            SalonExportRow::COLS
        );
        let rows: Vec<SalonExportRow> = sqlx::query_as(&sql)
            .bind(salon)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(ExportRow::from).collect())
    }

    /// Decisions recorded for a salon's registrations, oldest first: (registration, actor, action, reason).
    pub async fn decisions(
        &self,
        salon: i64,
    ) -> StoreResult<Vec<(i64, String, String, Option<String>)>> {
        sqlx::query_as(
            "SELECT d.registration_id, d.actor, d.action, d.reason FROM decisions d
             JOIN registrations r ON r.id = d.registration_id WHERE r.salon_id = ?1 ORDER BY d.id",
        )
        .bind(salon)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub async fn export_jobs(&self) -> StoreResult<Vec<JobExportRow>> {
        let sql = format!("SELECT {} FROM jobs j ORDER BY j.id", JobsExportRow::COLS);
        let rows: Vec<JobsExportRow> = sqlx::query_as(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(JobExportRow::from).collect())
    }
}
