//! Column ↔ domain conversions. Stored values are parsed again through the domain types.

use chrono::{DateTime, TimeZone, Utc};
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::{MemberId, Platform, UserRef};
use yunqi_bot::job::Tag;
use yunqi_bot::model::Member;
use yunqi_bot::ports::StoreError;
use yunqi_bot::validate::{PersonName, Phone, Position, Years};

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub fn platform(s: &str) -> Result<Platform, StoreError> {
    Platform::parse(s).ok_or_else(|| StoreError::Corrupt(format!("platform {s:?}")))
}

pub fn user(p: &str, id: String) -> Result<UserRef, StoreError> {
    Ok(UserRef::new(platform(p)?, id))
}

fn corrupt<E: std::fmt::Debug>(what: &'static str) -> impl Fn(E) -> StoreError {
    move |e| StoreError::Corrupt(format!("{what}: {e:?}"))
}

/// (id, name, phone, position, years, locale, skills)
pub type MemberCols = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
);

pub const MEMBER_COLS: &str = "m.id, m.name, m.phone, m.position, m.years, m.locale, m.skills";

/// Skills are stored comma separated, already normalised.
pub fn skills(s: &str) -> Vec<Tag> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| Tag::from_stored(t.to_string()))
        .collect()
}

pub fn skills_text(tags: &[Tag]) -> String {
    tags.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn member(c: MemberCols) -> Result<Member, StoreError> {
    let (id, name, phone, position, years, locale, skill_list) = c;
    Ok(Member {
        id: MemberId(id),
        name: name
            .map(|s| PersonName::parse(&s))
            .transpose()
            .map_err(corrupt("name"))?,
        phone: phone
            .map(|s| Phone::parse(&s))
            .transpose()
            .map_err(corrupt("phone"))?,
        position: position
            .map(|s| Position::parse(&s))
            .transpose()
            .map_err(corrupt("position"))?,
        years: years
            .map(|y| u32::try_from(y).ok().and_then(Years::new).ok_or(y))
            .transpose()
            .map_err(corrupt("years"))?,
        locale: Locale::parse(&locale).unwrap_or_default(),
        skills: skills(&skill_list),
    })
}
