//! What `yunqi export` and tests read: flat rows for people, not domain records.

use super::store::SqlStore;
use crate::error::db_err;
pub use crate::shapes::export::*;
use crate::shapes::export::{JobsExportRow, SalonExportRow};
use yunqi_bot::ports::StoreResult;

impl SqlStore {
    /// For export and tests: every registration's latest row, with profile, oldest first.
    pub async fn export_salon(&self, salon: i64) -> StoreResult<Vec<ExportRow>> {
        let sql = format!(
            "SELECT {} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.id IN (SELECT MAX(id) FROM registrations WHERE salon_id = $1 GROUP BY member_id)
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
             JOIN registrations r ON r.id = d.registration_id WHERE r.salon_id = $1 ORDER BY d.id",
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
