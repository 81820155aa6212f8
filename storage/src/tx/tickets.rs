//! Tickets (issued with the approval, buffered) and check-in records.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::{corrupt, ms, time, MemberRow, RegMemberRow, RegRow, SalonRow};
use chrono::{DateTime, Duration, Utc};
use yunqi_bot::ids::RegistrationId;
use yunqi_bot::model::{RegistrationRow, Salon};
use yunqi_bot::ports::{CheckinMethod, CheckinRecord, StoreResult, TicketTx};

impl TicketTx for SqlTx {
    async fn ticket_of(&mut self, reg: RegistrationId) -> StoreResult<Option<String>> {
        if let Some(t) = self.c.tickets.get(&reg) {
            return Ok(t.clone());
        }
        // A registration made in this transaction has no ticket yet: no round trip.
        if self.c.w.new_regs.contains_key(&reg) {
            return Ok(None);
        }
        let code: Option<String> =
            sqlx::query_scalar("SELECT code FROM tickets WHERE registration_id = $1")
                .bind(reg.0)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        self.c.tickets.insert(reg, code.clone());
        Ok(code)
    }

    async fn ticket_issue(
        &mut self,
        reg: RegistrationId,
        code: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.c.tickets.insert(reg, Some(code.to_string()));
        self.c.w.tickets.push((reg, code.to_string(), ms(at)));
        Ok(())
    }

    async fn ticket_find(&mut self, code: &str) -> StoreResult<Option<RegistrationRow>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {}, {} FROM tickets t JOIN registrations r ON r.id = t.registration_id
             JOIN members m ON m.id = r.member_id WHERE t.code = $1",
            RegRow::COLS,
            MemberRow::COLS
        );
        let row: Option<RegMemberRow> = sqlx::query_as(&sql)
            .bind(code)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        row.map(RegMemberRow::into_row).transpose()
    }

    async fn checkin_record(&mut self, reg: RegistrationId, r: &CheckinRecord) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "INSERT INTO checkins (registration_id, method, actor, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (registration_id) DO NOTHING",
        )
        .bind(reg.0)
        .bind(r.method.as_str())
        .bind(&r.actor)
        .bind(ms(r.at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn checkin_of(&mut self, reg: RegistrationId) -> StoreResult<Option<CheckinRecord>> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT method, actor, at FROM checkins WHERE registration_id = $1")
                .bind(reg.0)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        row.map(|(m, actor, at)| {
            let method = CheckinMethod::parse(&m)
                .ok_or_else(|| corrupt(format!("check-in method {m:?}")))?;
            Ok(CheckinRecord {
                method,
                actor,
                at: time(at),
            })
        })
        .transpose()
    }

    async fn salons_checking_in(
        &mut self,
        now: DateTime<Utc>,
        opens_before: Duration,
    ) -> StoreResult<Vec<Salon>> {
        let sql = format!(
            "SELECT {} FROM salons WHERE status <> 'cancelled' AND starts_at - $2 <= $1
             AND ends_at > $1 ORDER BY starts_at",
            SalonRow::COLS
        );
        let rows: Vec<SalonRow> = sqlx::query_as(&sql)
            .bind(ms(now))
            .bind(opens_before.num_milliseconds())
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter()
            .map(|r| r.into_salon().map(|(s, _)| s))
            .collect()
    }
}
