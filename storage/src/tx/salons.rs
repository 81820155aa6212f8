//! Salons. Cached with their seat counts, which registrations in this transaction move.

use super::SqlTx;
use crate::error::{backend, db_err};
use crate::rows::{ms, SalonRow};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::SalonId;
use yunqi_bot::model::{NewSalon, Salon, SeatCounts};
use yunqi_bot::ports::{SalonTx, StoreResult};

impl SqlTx {
    /// Before seat counts are read or checked: the triggers count buffered registrations
    /// only once they are written. Other buffered rows (a group's new members) do not move
    /// the counts and stay buffered.
    pub(super) async fn flush_seats(&mut self) -> StoreResult<()> {
        if self.c.w.moves_seats() {
            self.flush().await?;
        }
        Ok(())
    }

    async fn salons_where(
        &mut self,
        where_: &str,
        bind: i64,
    ) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        let sql = format!("SELECT {} FROM salons {where_}", SalonRow::COLS);
        let rows: Vec<SalonRow> = sqlx::query_as(&sql)
            .bind(bind)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(SalonRow::into_salon).collect()
    }
}

impl SalonTx for SqlTx {
    async fn salon_insert(&mut self, s: &NewSalon) -> StoreResult<SalonId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO salons (title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link, groups)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&s.title.zh)
        .bind(&s.title.en)
        .bind(&s.venue.zh)
        .bind(&s.venue.en)
        .bind(&s.agenda.zh)
        .bind(&s.agenda.en)
        .bind(ms(s.starts_at))
        .bind(ms(s.ends_at))
        .bind(s.timezone.name())
        .bind(s.capacity as i64)
        .bind(s.min_years as i64)
        .bind(i64::from(s.auto_approve))
        .bind(&s.group_link)
        .bind(serde_json::to_string(&s.groups).map_err(backend)?)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(SalonId(id))
    }

    async fn salon_count(&mut self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM salons")
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)
    }

    async fn salon_get(&mut self, id: SalonId) -> StoreResult<Option<(Salon, SeatCounts)>> {
        if let Some(s) = self.c.salons.get(&id) {
            return Ok(Some(s.clone()));
        }
        self.flush_seats().await?;
        let s = self.salons_where("WHERE id = $1", id.0).await?.pop();
        if let Some(s) = &s {
            self.c.salons.insert(id, s.clone());
        }
        Ok(s)
    }

    async fn salons_upcoming(
        &mut self,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        self.flush_seats().await?;
        let salons = self
            .salons_where(
                "WHERE starts_at > $1 AND status <> 'cancelled' ORDER BY starts_at, id",
                ms(now),
            )
            .await?;
        for s in &salons {
            self.c.salons.insert(s.0.id, s.clone());
        }
        Ok(salons)
    }

    async fn salon_set_checkin_code(&mut self, id: SalonId, code: &str) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET checkin_code = $1 WHERE id = $2")
            .bind(code)
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        if let Some((s, _)) = self.c.salons.get_mut(&id) {
            s.checkin_code = Some(code.to_string());
        }
        Ok(())
    }

    async fn salon_by_checkin_code(&mut self, code: &str) -> StoreResult<Option<Salon>> {
        let sql = format!("SELECT {} FROM salons WHERE checkin_code = $1 AND settled = 0 ORDER BY starts_at DESC LIMIT 1", SalonRow::COLS);
        let row: Option<SalonRow> = sqlx::query_as(&sql)
            .bind(code)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(row.map(SalonRow::into_salon).transpose()?.map(|(s, _)| s))
    }

    async fn salons_ended_unsettled(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Salon>> {
        let salons = self
            .salons_where("WHERE ends_at <= $1 AND settled = 0 ORDER BY id", ms(now))
            .await?;
        Ok(salons.into_iter().map(|(s, _)| s).collect())
    }

    async fn salon_mark_settled(&mut self, id: SalonId) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET settled = 1 WHERE id = $1")
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
