//! Members, alone or beside other tables' columns (`m_`-prefixed names).

use super::{corrupt, tags, user};
use sqlx::FromRow;
use yunqi_bot::ids::{MemberId, UserRef};
use yunqi_bot::model::Member;
use yunqi_bot::ports::StoreResult;
use yunqi_bot::validate::{PersonName, Phone, Position, Years};
use yunqi_bot::Locale;

/// `COLS` over `members m`; prefixed so it can be flattened into joined rows.
#[derive(FromRow, serde::Deserialize)]
pub struct MemberRow {
    m_id: i64,
    m_name: Option<String>,
    m_phone: Option<String>,
    m_position: Option<String>,
    m_years: Option<i64>,
    m_locale: String,
    m_skills: String,
}

impl MemberRow {
    pub const COLS: &'static str = "m.id AS m_id, m.name AS m_name, m.phone AS m_phone, \
        m.position AS m_position, m.years AS m_years, m.locale AS m_locale, m.skills AS m_skills";

    pub fn into_member(self) -> StoreResult<Member> {
        fn bad<E: std::fmt::Debug>(
            what: &'static str,
        ) -> impl Fn(E) -> yunqi_bot::ports::StoreError {
            move |e| corrupt(format!("{what}: {e:?}"))
        }
        Ok(Member {
            id: MemberId(self.m_id),
            name: self
                .m_name
                .map(|s| PersonName::parse(&s))
                .transpose()
                .map_err(bad("name"))?,
            phone: self
                .m_phone
                .map(|s| Phone::parse(&s))
                .transpose()
                .map_err(bad("phone"))?,
            position: self
                .m_position
                .map(|s| Position::parse(&s))
                .transpose()
                .map_err(bad("position"))?,
            years: self
                .m_years
                .map(|y| u32::try_from(y).ok().and_then(Years::new).ok_or(y))
                .transpose()
                .map_err(bad("years"))?,
            locale: Locale::parse(&self.m_locale).unwrap_or_default(),
            skills: tags(&self.m_skills),
        })
    }
}

/// A member with the account it was found by: `MemberRow::COLS, AccountMemberRow::COLS`
/// over `accounts a JOIN members m`.
#[derive(FromRow)]
pub struct AccountMemberRow {
    #[sqlx(flatten)]
    member: MemberRow,
    platform: String,
    user_id: String,
}

impl AccountMemberRow {
    pub const COLS: &'static str = "a.platform AS platform, a.user_id AS user_id";

    pub fn into_parts(self) -> StoreResult<(UserRef, Member)> {
        Ok((
            user(&self.platform, self.user_id)?,
            self.member.into_member()?,
        ))
    }
}
