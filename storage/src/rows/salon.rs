//! Salons with their seat counts; registrations, alone or with their member.

use super::{corrupt, time, user, MemberRow};
use chrono_tz::Tz;
use sqlx::FromRow;
use yunqi_bot::ids::{MemberId, RegistrationId, SalonId};
use yunqi_bot::model::{
    NewSalon, RegStatus, Registration, RegistrationRow, Salon, SalonStatus, SeatCounts, Text2,
};
use yunqi_bot::ports::StoreResult;

/// `COLS` over `salons`.
#[derive(FromRow)]
pub struct SalonRow {
    id: i64,
    title_zh: String,
    title_en: String,
    venue_zh: String,
    venue_en: String,
    agenda_zh: String,
    agenda_en: String,
    starts_at: i64,
    ends_at: i64,
    timezone: String,
    capacity: i64,
    min_years: i64,
    auto_approve: i64,
    group_link: Option<String>,
    checkin_code: Option<String>,
    held: i64,
    pending: i64,
    waitlisted: i64,
    groups: String,
    status: String,
    closes_at: Option<i64>,
    sequence: i64,
    reschedules: i64,
}

impl SalonRow {
    pub const COLS: &'static str = "id, title_zh, title_en, venue_zh, venue_en, agenda_zh, \
        agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link, \
        checkin_code, held, pending, waitlisted, groups, status, closes_at, sequence, reschedules";

    pub fn into_salon(self) -> StoreResult<(Salon, SeatCounts)> {
        let n = |v: i64| u32::try_from(v).unwrap_or(0);
        let timezone = self
            .timezone
            .parse::<Tz>()
            .map_err(|_| corrupt(format!("timezone {:?}", self.timezone)))?;
        let groups = serde_json::from_str(&self.groups)
            .map_err(|e| corrupt(format!("salon groups: {e}")))?;
        Ok((
            Salon {
                id: SalonId(self.id),
                info: NewSalon {
                    title: Text2 {
                        zh: self.title_zh,
                        en: self.title_en,
                    },
                    venue: Text2 {
                        zh: self.venue_zh,
                        en: self.venue_en,
                    },
                    agenda: Text2 {
                        zh: self.agenda_zh,
                        en: self.agenda_en,
                    },
                    starts_at: time(self.starts_at),
                    ends_at: time(self.ends_at),
                    timezone,
                    capacity: n(self.capacity),
                    min_years: n(self.min_years),
                    auto_approve: self.auto_approve != 0,
                    group_link: self.group_link,
                    groups,
                },
                checkin_code: self.checkin_code,
                status: SalonStatus::parse(&self.status)
                    .ok_or_else(|| corrupt(format!("salon status {:?}", self.status)))?,
                closes_at: self.closes_at.map(time),
                sequence: n(self.sequence),
                reschedules: n(self.reschedules),
            },
            SeatCounts {
                held: n(self.held),
                pending: n(self.pending),
                waitlisted: n(self.waitlisted),
            },
        ))
    }
}

/// `COLS` over `registrations r`.
#[derive(FromRow, serde::Deserialize)]
pub struct RegRow {
    id: i64,
    salon_id: i64,
    member_id: i64,
    platform: String,
    user_id: String,
    status: String,
    created_at: i64,
    offered_until: Option<i64>,
    reason: Option<String>,
}

impl RegRow {
    pub const COLS: &'static str = "r.id AS id, r.salon_id AS salon_id, r.member_id AS member_id, \
        r.platform AS platform, r.user_id AS user_id, r.status AS status, \
        r.created_at AS created_at, r.offered_until AS offered_until, r.reason AS reason";

    pub fn into_registration(self) -> StoreResult<Registration> {
        Ok(Registration {
            id: RegistrationId(self.id),
            salon: SalonId(self.salon_id),
            member: MemberId(self.member_id),
            account: user(&self.platform, self.user_id)?,
            status: RegStatus::parse(&self.status)
                .ok_or_else(|| corrupt(format!("status {:?}", self.status)))?,
            created_at: time(self.created_at),
            offered_until: self.offered_until.map(time),
            reason: self.reason,
        })
    }
}

/// A registration with its member: `RegRow::COLS, MemberRow::COLS`.
#[derive(FromRow)]
pub struct RegMemberRow {
    #[sqlx(flatten)]
    reg: RegRow,
    #[sqlx(flatten)]
    member: MemberRow,
}

impl RegMemberRow {
    /// The registration and member columns as one JSON row `[[reg…], [member…]]`, given
    /// the backend's JSON array function.
    pub fn json_cols(array: &str) -> String {
        format!(
            "{array}({}), {array}({})",
            super::plain(RegRow::COLS),
            super::plain(MemberRow::COLS)
        )
    }

    /// A row of `json_cols`.
    pub fn from_json((reg, member): (RegRow, MemberRow)) -> RegMemberRow {
        RegMemberRow { reg, member }
    }

    pub fn id(&self) -> i64 {
        self.reg.id
    }

    pub fn into_row(self) -> StoreResult<RegistrationRow> {
        Ok(RegistrationRow {
            reg: self.reg.into_registration()?,
            member: self.member.into_member()?,
        })
    }
}
