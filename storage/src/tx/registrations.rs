//! Registrations (the latest per member and salon cached, writes buffered), decisions
//! (buffered) and reminders.

use super::{IdTable, SqlTx};
use crate::error::db_err;
use crate::rows::{corrupt, from_json_rows, ms, MemberRow, RegMemberRow, RegRow};
use chrono::{DateTime, TimeZone, Utc};
use yunqi_bot::ids::{MemberId, RegistrationId, SalonId, UserRef};
use yunqi_bot::model::{Decision, RegStatus, Registration, RegistrationRow, SeatCounts};
use yunqi_bot::ports::{RegistrationTx, SalonTx, StoreResult};

/// Seats held/pending/waitlisted change with a status move; mirrors the SQL triggers.
fn count_move(c: &mut SeatCounts, from: Option<RegStatus>, to: Option<RegStatus>) {
    fn add(c: &mut SeatCounts, s: RegStatus, d: i64) {
        let f = |v: &mut u32| *v = (*v as i64 + d).max(0) as u32;
        if s.holds_seat() {
            f(&mut c.held);
        } else if s == RegStatus::Pending {
            f(&mut c.pending);
        } else if s == RegStatus::Waitlisted {
            f(&mut c.waitlisted);
        }
    }
    if let Some(s) = from {
        add(c, s, -1);
    }
    if let Some(s) = to {
        add(c, s, 1);
    }
}

impl SqlTx {
    /// The status a registration has before this change: buffered, cached, or stored.
    async fn status_before(&mut self, r: &Registration) -> StoreResult<RegStatus> {
        let known = match self
            .c
            .w
            .new_regs
            .get(&r.id)
            .or_else(|| self.c.w.changed_regs.get(&r.id))
        {
            Some(b) => Some(b.status),
            None => match self.c.latest.get(&(r.salon, r.member)) {
                Some(Some(b)) if b.id == r.id => Some(b.status),
                _ => None,
            },
        };
        if let Some(s) = known {
            return Ok(s);
        }
        let st: Option<String> =
            sqlx::query_scalar("SELECT status FROM registrations WHERE id = $1")
                .bind(r.id.0)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        st.and_then(|s| RegStatus::parse(&s))
            .ok_or_else(|| corrupt(format!("registration {} vanished", r.id)))
    }
}

impl RegistrationTx for SqlTx {
    async fn registration_latest(
        &mut self,
        s: SalonId,
        m: MemberId,
    ) -> StoreResult<Option<Registration>> {
        if let Some(r) = self.c.latest.get(&(s, m)) {
            return Ok(r.clone());
        }
        if self.c.new_members.contains(&m) {
            return Ok(None);
        }
        self.flush().await?;
        let sql = format!("SELECT {} FROM registrations r WHERE r.member_id = $1 AND r.salon_id = $2 ORDER BY r.id DESC LIMIT 1", RegRow::COLS);
        let row: Option<RegRow> = sqlx::query_as(&sql)
            .bind(m.0)
            .bind(s.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let r = row.map(RegRow::into_registration).transpose()?;
        self.c.latest.insert((s, m), r.clone());
        Ok(r)
    }

    async fn registration_insert(
        &mut self,
        s: SalonId,
        m: MemberId,
        account: &UserRef,
        status: RegStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Registration> {
        // Loads the salon's counts before the buffered row changes them.
        let counts = self.salon_get(s).await?.map(|(_, c)| c);
        let id = RegistrationId(self.next_id(IdTable::Registrations).await?);
        // Stored in milliseconds: hand back exactly what a later read returns.
        let at = Utc.timestamp_millis_opt(ms(at)).single().unwrap_or(at);
        let r = Registration {
            id,
            salon: s,
            member: m,
            account: account.clone(),
            status,
            created_at: at,
            offered_until: None,
            reason: None,
        };
        if let (Some(mut c), Some((salon, _))) = (counts, self.c.salons.get(&s).cloned()) {
            count_move(&mut c, None, Some(status));
            self.c.salons.insert(s, (salon, c));
        }
        self.c.latest.insert((s, m), Some(r.clone()));
        self.c.w.new_regs.insert(id, r.clone());
        Ok(r)
    }

    async fn registration_update(&mut self, r: &Registration) -> StoreResult<()> {
        let before = self.status_before(r).await?;
        if let Some((salon, mut c)) = self.c.salons.get(&r.salon).cloned() {
            count_move(&mut c, Some(before), Some(r.status));
            self.c.salons.insert(r.salon, (salon, c));
        }
        if let Some(Some(latest)) = self.c.latest.get(&(r.salon, r.member)) {
            if latest.id == r.id {
                self.c.latest.insert((r.salon, r.member), Some(r.clone()));
            }
        }
        match self.c.w.new_regs.get_mut(&r.id) {
            Some(pending) => *pending = r.clone(),
            None => {
                self.c.w.changed_regs.insert(r.id, r.clone());
            }
        }
        Ok(())
    }

    async fn registrations(
        &mut self,
        s: SalonId,
        statuses: &[RegStatus],
    ) -> StoreResult<Vec<RegistrationRow>> {
        self.flush().await?;
        let list = statuses
            .iter()
            .map(|st| format!("'{}'", st.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        // One row holding a JSON array: a guest list is one hand-off from the database
        // instead of one per guest (each costs a copy of every value on SQLite's side).
        let sql = format!(
            "SELECT {} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.salon_id = $1 AND r.status IN ({list})",
            super::super::json_rows_of(&RegMemberRow::json_cols(super::super::JSON_ARRAY)),
        );
        let json: Option<String> = sqlx::query_scalar(&sql)
            .bind(s.0)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let rows: Vec<(RegRow, MemberRow)> =
            from_json_rows(json, format_args!("registrations of salon {}", s.0))?;
        let mut rows: Vec<RegMemberRow> = rows.into_iter().map(RegMemberRow::from_json).collect();
        rows.sort_unstable_by_key(RegMemberRow::id);
        rows.into_iter().map(RegMemberRow::into_row).collect()
    }

    async fn offers_expired(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Registration>> {
        self.flush().await?;
        let sql = format!("SELECT {} FROM registrations r WHERE r.status = 'offered' AND r.offered_until <= $1 AND r.salon_id NOT IN (SELECT id FROM salons WHERE status = 'cancelled') ORDER BY r.id", RegRow::COLS);
        let rows: Vec<RegRow> = sqlx::query_as(&sql)
            .bind(ms(now))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(RegRow::into_registration).collect()
    }

    async fn no_show_count(&mut self, m: MemberId) -> StoreResult<u32> {
        if self.c.new_members.contains(&m) {
            return Ok(0);
        }
        self.flush().await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE member_id = $1 AND status = 'no_show'",
        )
        .bind(m.0)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn decision_log(&mut self, d: &Decision) -> StoreResult<()> {
        self.c.w.decisions.push(d.clone());
        Ok(())
    }

    async fn reminder_once(
        &mut self,
        id: RegistrationId,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO reminders (registration_id, kind, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(id.0)
        .bind(kind)
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }
}
