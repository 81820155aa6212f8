//! Records the core reads and writes through the storage port.

use crate::ids::Locale;
use crate::ids::{MemberId, Platform, RegistrationId, SalonId, UserRef};
use crate::validate::{PersonName, Phone, Position, Years};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person, possibly with accounts on several platforms (`/link`).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: MemberId,
    pub name: Option<PersonName>,
    pub phone: Option<Phone>,
    pub position: Option<Position>,
    pub years: Option<Years>,
    pub locale: Locale,
    /// Skill tags from `/profile skills=…`.
    pub skills: Vec<crate::tag::Tag>,
}

impl Member {
    pub fn new(id: MemberId, locale: Locale) -> Member {
        Member {
            id,
            name: None,
            phone: None,
            position: None,
            years: None,
            locale,
            skills: Vec::new(),
        }
    }
}

/// Bilingual text given by organizers in config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text2 {
    pub zh: String,
    pub en: String,
}

impl Text2 {
    pub fn get(&self, l: Locale) -> &str {
        match l {
            Locale::Zh if !self.zh.is_empty() => &self.zh,
            Locale::En if !self.en.is_empty() => &self.en,
            _ if !self.zh.is_empty() => &self.zh,
            _ => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSalon {
    pub title: Text2,
    pub venue: Text2,
    pub agenda: Text2,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: Tz,
    pub capacity: u32,
    pub min_years: u32,
    pub auto_approve: bool,
    /// How approved people join the event group on the console (and as a fallback).
    pub group_link: Option<String>,
    /// Each platform's event group, keyed as in config: `wecom_group_chat_id`,
    /// `slack_channel`, `telegram_chat_id`, `discord_role_id`.
    pub groups: BTreeMap<String, String>,
}

/// The config key naming a salon's event group on a platform.
pub fn group_key(p: Platform) -> &'static str {
    match p {
        Platform::Wecom | Platform::Wechat => "wecom_group_chat_id",
        Platform::Slack => "slack_channel",
        Platform::Telegram => "telegram_chat_id",
        Platform::Discord => "discord_role_id",
        Platform::Console => "console_group",
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Salon {
    pub id: SalonId,
    pub info: NewSalon,
    pub checkin_code: Option<String>,
    /// Open, closed to new registrations, or cancelled (`/closesalon`, `/cancelsalon`).
    pub status: SalonStatus,
    /// Registration closes then (`/editsalon closes=…`); `None` = at the start.
    pub closes_at: Option<DateTime<Utc>>,
    /// The calendar invite's `SEQUENCE`: raised by every change of time or place.
    pub sequence: u32,
    /// How often the time changed: reminders are keyed by it, so a moved salon is
    /// reminded again at its new time.
    pub reschedules: u32,
}

impl Salon {
    /// Whether a new `/register` is taken at `now`.
    pub fn takes_registrations(&self, now: DateTime<Utc>) -> bool {
        self.status == SalonStatus::Open
            && now < self.info.starts_at
            && self.closes_at.is_none_or(|c| now < c)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalonStatus {
    Open,
    Closed,
    Cancelled,
}

impl SalonStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SalonStatus::Open => "open",
            SalonStatus::Closed => "closed",
            SalonStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<SalonStatus> {
        [
            SalonStatus::Open,
            SalonStatus::Closed,
            SalonStatus::Cancelled,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// Seats taken: approved, offered (held during the claim window) and checked in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeatCounts {
    pub held: u32,
    pub pending: u32,
    pub waitlisted: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegStatus {
    Pending,
    Approved,
    Waitlisted,
    Offered,
    Rejected,
    Cancelled,
    CheckedIn,
    NoShow,
}

impl RegStatus {
    pub const ALL: [RegStatus; 8] = [
        RegStatus::Pending,
        RegStatus::Approved,
        RegStatus::Waitlisted,
        RegStatus::Offered,
        RegStatus::Rejected,
        RegStatus::Cancelled,
        RegStatus::CheckedIn,
        RegStatus::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegStatus::Pending => "pending",
            RegStatus::Approved => "approved",
            RegStatus::Waitlisted => "waitlisted",
            RegStatus::Offered => "offered",
            RegStatus::Rejected => "rejected",
            RegStatus::Cancelled => "cancelled",
            RegStatus::CheckedIn => "checked_in",
            RegStatus::NoShow => "no_show",
        }
    }

    pub fn parse(s: &str) -> Option<RegStatus> {
        RegStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Holds a seat.
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            RegStatus::Approved | RegStatus::Offered | RegStatus::CheckedIn
        )
    }

    /// Still in the running: a new `/register` is refused while one of these exists.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RegStatus::Pending
                | RegStatus::Approved
                | RegStatus::Waitlisted
                | RegStatus::Offered
                | RegStatus::CheckedIn
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub id: RegistrationId,
    pub salon: SalonId,
    pub member: MemberId,
    /// The account it was made from; notifications about it go there.
    pub account: UserRef,
    pub status: RegStatus,
    pub created_at: DateTime<Utc>,
    pub offered_until: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// A registration joined with the member's profile, for listings and export.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistrationRow {
    pub reg: Registration,
    pub member: Member,
}

/// Who decided what, when and why. Never updated, only appended.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub registration: RegistrationId,
    pub actor: String,
    pub action: RegStatus,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}
