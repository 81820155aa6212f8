//! Failed tries per (kind, subject) in a fixed window, in the event's transaction.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::ms;
use chrono::{DateTime, Duration, Utc};
use yunqi_bot::ports::{AttemptTx, StoreResult};

impl AttemptTx for SqlTx {
    async fn attempts_failed(
        &mut self,
        kind: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u32> {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT failures FROM attempts WHERE kind = $1 AND subject = $2 AND window_ends > $3",
        )
        .bind(kind)
        .bind(subject)
        .bind(ms(now))
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(n.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)))
    }

    async fn attempt_failed(
        &mut self,
        kind: &str,
        subject: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO attempts (kind, subject, window_ends, failures) VALUES ($1, $2, $4, 1)
             ON CONFLICT(kind, subject) DO UPDATE SET
               failures = CASE WHEN attempts.window_ends > $3 THEN attempts.failures + 1 ELSE 1 END,
               window_ends = CASE WHEN attempts.window_ends > $3 THEN attempts.window_ends ELSE $4 END",
        )
        .bind(kind)
        .bind(subject)
        .bind(ms(now))
        .bind(ms(now + window))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}
