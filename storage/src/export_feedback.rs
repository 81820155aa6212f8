//! `yunqi export feedback <salon>`: the answered feedback rows, oldest answer first.

use super::store::SqlStore;
use crate::error::db_err;
use crate::rows::time;
pub use crate::shapes::export::FeedbackExportRow;
use yunqi_bot::ports::StoreResult;

impl SqlStore {
    pub async fn export_feedback(&self, salon: i64) -> StoreResult<Vec<FeedbackExportRow>> {
        let rows: Vec<(i64, String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT salon_id, user_id, platform, rating, comment, COALESCE(done_at, rated_at)
             FROM feedback WHERE salon_id = $1 AND rating IS NOT NULL
             ORDER BY rated_at, member_id",
        )
        .bind(salon)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(
                |(salon, user, platform, rating, comment, at)| FeedbackExportRow {
                    salon,
                    user,
                    platform,
                    rating,
                    comment: comment.unwrap_or_default(),
                    answered_at: time(at),
                },
            )
            .collect())
    }
}
