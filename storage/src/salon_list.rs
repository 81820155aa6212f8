//! Every salon with its seat counts, read outside the writer (`yunqi salon list`).

use super::store::SqlStore;
use crate::error::db_err;
use crate::rows::SalonRow;
use yunqi_bot::model::{Salon, SeatCounts};
use yunqi_bot::ports::StoreResult;

impl SqlStore {
    /// Soonest first.
    pub async fn salon_list(&self) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        let sql = format!(
            "SELECT {} FROM salons ORDER BY starts_at, id",
            SalonRow::COLS
        );
        let rows: Vec<SalonRow> = sqlx::query_as(&sql)
            .fetch_all(self.pool())
            .await
            .map_err(db_err)?;
        rows.into_iter().map(SalonRow::into_salon).collect()
    }
}
