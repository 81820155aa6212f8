//! Feedback rows, written straight through (not buffered): they are rare, and the
//! summary reads them back in the same transaction.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::{corrupt, ms, time, user};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use yunqi_bot::feedback::{FeedbackRecord, Rating};
use yunqi_bot::ids::{MemberId, SalonId, UserRef};
use yunqi_bot::ports::{FeedbackTx, StoreResult};

#[derive(FromRow)]
struct FeedbackRow {
    salon_id: i64,
    platform: String,
    user_id: String,
    name: Option<String>,
    asked_at: i64,
    rating: Option<i64>,
    rated_at: Option<i64>,
    comment: Option<String>,
    done_at: Option<i64>,
}

const COLS: &str = "f.salon_id AS salon_id, f.platform AS platform, f.user_id AS user_id, \
    m.name AS name, f.asked_at AS asked_at, f.rating AS rating, f.rated_at AS rated_at, \
    f.comment AS comment, f.done_at AS done_at";

impl FeedbackRow {
    fn record(self) -> StoreResult<FeedbackRecord> {
        let rating = match self.rating {
            None => None,
            Some(r) => Some(
                u8::try_from(r)
                    .ok()
                    .and_then(Rating::new)
                    .ok_or_else(|| corrupt(format!("feedback rating {r}")))?,
            ),
        };
        Ok(FeedbackRecord {
            salon: SalonId(self.salon_id),
            account: user(&self.platform, self.user_id)?,
            name: self.name,
            asked_at: time(self.asked_at),
            rating,
            rated_at: self.rated_at.map(time),
            comment: self.comment,
            done_at: self.done_at.map(time),
        })
    }
}

impl FeedbackTx for SqlTx {
    async fn feedback_ask_once(
        &mut self,
        salon: SalonId,
        member: MemberId,
        account: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        // The member row may still be buffered.
        self.flush().await?;
        let done = sqlx::query(
            "INSERT INTO feedback (salon_id, member_id, platform, user_id, asked_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (salon_id, member_id) DO NOTHING",
        )
        .bind(salon.0)
        .bind(member.0)
        .bind(account.platform.as_str())
        .bind(&account.id)
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn feedback_get(
        &mut self,
        salon: SalonId,
        member: MemberId,
    ) -> StoreResult<Option<FeedbackRecord>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {COLS} FROM feedback f JOIN members m ON m.id = f.member_id
             WHERE f.salon_id = $1 AND f.member_id = $2"
        );
        let row: Option<FeedbackRow> = sqlx::query_as(&sql)
            .bind(salon.0)
            .bind(member.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        row.map(FeedbackRow::record).transpose()
    }

    async fn feedback_rate(
        &mut self,
        salon: SalonId,
        member: MemberId,
        rating: Rating,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "UPDATE feedback SET rating = $3, rated_at = $4 WHERE salon_id = $1 AND member_id = $2",
        )
        .bind(salon.0)
        .bind(member.0)
        .bind(i64::from(rating.get()))
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn feedback_comment(
        &mut self,
        salon: SalonId,
        member: MemberId,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "UPDATE feedback SET comment = $3, done_at = $4 WHERE salon_id = $1 AND member_id = $2",
        )
        .bind(salon.0)
        .bind(member.0)
        .bind(comment)
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn feedback_list(&mut self, salon: SalonId) -> StoreResult<Vec<FeedbackRecord>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {COLS} FROM feedback f JOIN members m ON m.id = f.member_id
             WHERE f.salon_id = $1 ORDER BY f.asked_at, f.member_id"
        );
        let rows: Vec<FeedbackRow> = sqlx::query_as(&sql)
            .bind(salon.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(FeedbackRow::record).collect()
    }
}
