//! `yunqi export feedback <salon>`: the answered feedback rows, oldest answer first.

use crate::error::db_err;
use crate::rows::time;
use crate::SqliteStore;
use chrono::{DateTime, Utc};
use yunqi_bot::ports::StoreResult;

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

impl SqliteStore {
    pub async fn export_feedback(&self, salon: i64) -> StoreResult<Vec<FeedbackExportRow>> {
        let rows: Vec<(i64, String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT salon_id, user_id, platform, rating, comment, COALESCE(done_at, rated_at)
             FROM feedback WHERE salon_id = ?1 AND rating IS NOT NULL
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
