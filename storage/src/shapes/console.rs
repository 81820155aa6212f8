//! Row shapes of `console.rs`, shared by both backends.

use crate::rows::time;
use chrono::{DateTime, Utc};
use sqlx::FromRow;

/// One salon with its seat counts.
#[derive(Debug, Clone, FromRow)]
pub struct SalonSummary {
    pub id: i64,
    pub title_zh: String,
    pub title_en: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub capacity: i64,
    pub held: i64,
    pub pending: i64,
    pub waitlisted: i64,
}

impl SalonSummary {
    pub(crate) const COLS: &'static str = "id, title_zh, title_en, starts_at, ends_at, timezone, \
        capacity, held, pending, waitlisted";

    pub fn starts(&self) -> DateTime<Utc> {
        time(self.starts_at)
    }
    pub fn ends(&self) -> DateTime<Utc> {
        time(self.ends_at)
    }
}

/// One person on a salon's guest list (their latest registration). Read as a JSON row
/// (`console_guests`): the fields in this order.
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct GuestRow {
    pub registration: i64,
    pub platform: String,
    pub user_id: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub years: Option<i64>,
    pub status: String,
    pub created_at: i64,
    /// No-shows at other salons.
    pub no_shows: i64,
}

impl GuestRow {
    pub fn registered_at(&self) -> DateTime<Utc> {
        time(self.created_at)
    }
    /// `platform:id`, as commands name a person.
    pub fn account(&self) -> String {
        format!("{}:{}", self.platform, self.user_id)
    }
}
