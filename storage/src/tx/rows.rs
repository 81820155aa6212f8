//! Row ↔ record mapping for salons and registrations.

use crate::convert::{member, time, user};
use chrono_tz::Tz;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use yunqi_bot::ids::{MemberId, RegistrationId, SalonId};
use yunqi_bot::model::{
    NewSalon, RegStatus, Registration, RegistrationRow, Salon, SeatCounts, Text2,
};
use yunqi_bot::ports::{StoreError, StoreResult};

pub const SALON_COLS: &str = "id, title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link, checkin_code, held, pending, waitlisted, groups";

pub fn salon(row: SqliteRow) -> StoreResult<(Salon, SeatCounts)> {
    let g = |e: sqlx::Error| StoreError::Corrupt(format!("salon: {e}"));
    let text = |i: usize| -> StoreResult<String> { row.try_get::<String, _>(i).map_err(g) };
    let int = |i: usize| -> StoreResult<i64> { row.try_get::<i64, _>(i).map_err(g) };
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    let zone = text(9)?;
    let timezone = zone
        .parse::<Tz>()
        .map_err(|_| StoreError::Corrupt(format!("timezone {zone:?}")))?;
    Ok((
        Salon {
            id: SalonId(int(0)?),
            info: NewSalon {
                title: Text2 {
                    zh: text(1)?,
                    en: text(2)?,
                },
                venue: Text2 {
                    zh: text(3)?,
                    en: text(4)?,
                },
                agenda: Text2 {
                    zh: text(5)?,
                    en: text(6)?,
                },
                starts_at: time(int(7)?),
                ends_at: time(int(8)?),
                timezone,
                capacity: n(int(10)?),
                min_years: n(int(11)?),
                auto_approve: int(12)? != 0,
                group_link: row.try_get(13).map_err(g)?,
                groups: serde_json::from_str(&text(18)?)
                    .map_err(|e| StoreError::Corrupt(format!("salon groups: {e}")))?,
            },
            checkin_code: row.try_get(14).map_err(g)?,
        },
        SeatCounts {
            held: n(int(15)?),
            pending: n(int(16)?),
            waitlisted: n(int(17)?),
        },
    ))
}

pub const REG_COLS: &str = "r.id, r.salon_id, r.member_id, r.platform, r.user_id, r.status, r.created_at, r.offered_until, r.reason";

pub type RegCols = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

pub fn registration(c: RegCols) -> StoreResult<Registration> {
    let (id, salon, member, platform, user_id, status, created, offered, reason) = c;
    Ok(Registration {
        id: RegistrationId(id),
        salon: SalonId(salon),
        member: MemberId(member),
        account: user(&platform, user_id)?,
        status: RegStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        created_at: time(created),
        offered_until: offered.map(time),
        reason,
    })
}

/// A registration joined with its member (`REG_COLS, MEMBER_COLS`).
pub fn registration_row(row: &SqliteRow) -> StoreResult<RegistrationRow> {
    let g = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
    let reg = registration((
        row.try_get(0).map_err(g)?,
        row.try_get(1).map_err(g)?,
        row.try_get(2).map_err(g)?,
        row.try_get(3).map_err(g)?,
        row.try_get(4).map_err(g)?,
        row.try_get(5).map_err(g)?,
        row.try_get(6).map_err(g)?,
        row.try_get(7).map_err(g)?,
        row.try_get(8).map_err(g)?,
    ))?;
    let m = member((
        row.try_get(9).map_err(g)?,
        row.try_get(10).map_err(g)?,
        row.try_get(11).map_err(g)?,
        row.try_get(12).map_err(g)?,
        row.try_get(13).map_err(g)?,
        row.try_get(14).map_err(g)?,
        row.try_get(15).map_err(g)?,
    ))?;
    Ok(RegistrationRow { reg, member: m })
}

/// Seats held/pending/waitlisted change with a status move; mirrors the SQL triggers.
pub fn count_move(c: &mut SeatCounts, from: Option<RegStatus>, to: Option<RegStatus>) {
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
