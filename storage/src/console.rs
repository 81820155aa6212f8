//! What the web console's pages read: flat rows for people, straight from the pool (WAL
//! readers never wait for the writer). Jobs use `export_jobs`.

use super::store::SqlStore;
use crate::error::db_err;
use crate::rows::from_json_rows;
pub use crate::shapes::console::*;
use yunqi_bot::ports::StoreResult;

impl SqlStore {
    /// Every salon, latest first.
    pub async fn console_salons(&self) -> StoreResult<Vec<SalonSummary>> {
        let sql = format!(
            "SELECT {} FROM salons ORDER BY starts_at DESC, id DESC",
            SalonSummary::COLS
        );
        sqlx::query_as(&sql)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)
    }

    pub async fn console_salon(&self, id: i64) -> StoreResult<Option<SalonSummary>> {
        let sql = format!("SELECT {} FROM salons WHERE id = $1", SalonSummary::COLS);
        sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    /// Each member's latest registration for the salon, oldest first. One row holding a
    /// JSON array (`GuestRow`'s fields in order): one hand-off, not one per guest.
    pub async fn console_guests(&self, salon: i64) -> StoreResult<Vec<GuestRow>> {
        let sql = format!(
            "SELECT {} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.id IN (SELECT MAX(id) FROM registrations WHERE salon_id = $1 GROUP BY member_id)",
            super::json_rows_of(
                "r.id, r.platform, r.user_id, m.name, m.phone, m.position, m.years, r.status, r.created_at,
                 (SELECT COUNT(*) FROM registrations x WHERE x.member_id = r.member_id
                    AND x.status = 'no_show' AND x.salon_id <> r.salon_id)"
            )
        );
        let json: Option<String> = sqlx::query_scalar(&sql)
            .bind(salon)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        let mut rows: Vec<GuestRow> =
            from_json_rows(json, format_args!("guests of salon {salon}"))?;
        rows.sort_unstable_by_key(|g| g.registration);
        Ok(rows)
    }

    /// Messages the dispatcher gave up on.
    pub async fn console_failed_deliveries(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'failed'")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }
}
