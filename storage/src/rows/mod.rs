//! Row shapes (`sqlx::FromRow`) and their conversion to domain types. Each shape has one
//! column list (`COLS`) next to its fields; stored values are parsed again through the
//! domain types.

mod job;
mod member;
mod salon;
mod thread;

pub use job::{digest_text, ApplicantRow, JobRow, SubscriberRow, TargetRow};
pub use member::{AccountMemberRow, MemberRow};
pub use salon::{RegMemberRow, RegRow, SalonRow};
pub use thread::{AudienceRow, QuestionRow, SpecRow};

use chrono::{DateTime, TimeZone, Utc};
use yunqi_bot::ids::{Platform, UserRef};
use yunqi_bot::job::Tag;
use yunqi_bot::ports::StoreError;

/// A `COLS` list without its `AS` aliases: the expressions alone, for `json_array(…)`,
/// whose elements a shape's serde `Deserialize` reads in field order.
pub fn plain(cols: &str) -> String {
    cols.split(',')
        .map(|c| c.split(" AS ").next().unwrap_or(c).trim())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// A list read as one JSON row (`json_rows_of`): no rows aggregate to NULL, the empty list.
pub fn from_json_rows<T: serde::de::DeserializeOwned>(
    json: Option<String>,
    what: impl std::fmt::Display,
) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(json.as_deref().unwrap_or("[]"))
        .map_err(|e| corrupt(format!("{what}: {e}")))
}

/// A stored value the domain refuses.
pub fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into().into())
}

pub fn platform(s: &str) -> Result<Platform, StoreError> {
    Platform::parse(s).ok_or_else(|| corrupt(format!("platform {s:?}")))
}

pub fn user(p: &str, id: String) -> Result<UserRef, StoreError> {
    Ok(UserRef::new(platform(p)?, id))
}

/// Tags are stored comma separated, already normalised.
pub fn tags(s: &str) -> Vec<Tag> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| Tag::from_stored(t.to_string()))
        .collect()
}

pub fn tags_text(tags: &[Tag]) -> String {
    tags.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}
