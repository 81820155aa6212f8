//! Salon fields as organizers type them (`/newsalon title="…" start="2026-12-19 14:00" …`,
//! `/editsalon 2 place=…`, the `/newsalon` dialogue) and their validation into a salon.
//! Pure: the engine applies a validated form (`SalonForm`) in one transaction.

mod field;
mod parse;
mod step;
#[cfg(test)]
mod tests;

pub use field::SalonField;
pub use parse::{next_title, parse_local};
pub use step::{start_dialogue, step, DIALOGUE_ORDER};

use crate::model::{NewSalon, Salon, Text2};
use crate::validate::{long_text, Invalid};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a field or a whole form is refused; nothing changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    UnknownField(String),
    Text(SalonField, Invalid),
    /// Not a date and time (`2026-12-19 14:00`), or a time without a start to date it.
    BadTime(SalonField),
    BadTimezone,
    EndBeforeStart,
    StartInPast,
    ClosesAfterStart,
    CapacityNotPositive,
    MinYearsNotNumber,
    BadApproval,
    Missing(SalonField),
    CapacityBelowHeld {
        held: u32,
    },
    /// The salon has started: only its title may change.
    PastOnlyTitle,
    Cancelled,
    UnknownSalon(i64),
}

impl FormError {
    /// The field to ask again in a dialogue.
    pub fn field(&self) -> Option<SalonField> {
        match self {
            FormError::Text(f, _) | FormError::BadTime(f) | FormError::Missing(f) => Some(*f),
            FormError::EndBeforeStart => Some(SalonField::End),
            FormError::StartInPast => Some(SalonField::Start),
            FormError::ClosesAfterStart => Some(SalonField::Closes),
            FormError::CapacityNotPositive | FormError::CapacityBelowHeld { .. } => {
                Some(SalonField::Capacity)
            }
            FormError::MinYearsNotNumber => Some(SalonField::MinYears),
            FormError::BadApproval => Some(SalonField::Approval),
            FormError::BadTimezone => Some(SalonField::Timezone),
            _ => None,
        }
    }
}

/// Fields as typed (`key`, `value`), checked against the known keys.
pub fn fields(raw: &[(String, String)]) -> Result<Vec<(SalonField, String)>, FormError> {
    let mut out = Vec::with_capacity(raw.len());
    for (k, v) in raw {
        let f = SalonField::parse(k).ok_or_else(|| FormError::UnknownField(k.clone()))?;
        out.push((f, v.clone()));
    }
    out.sort_by_key(|(f, _)| *f);
    Ok(out)
}

/// A salon being written: from scratch, from a copy, or from the salon being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalonDraft {
    pub title: Option<Text2>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub venue: Option<Text2>,
    pub capacity: Option<u32>,
    pub min_years: Option<u32>,
    pub auto_approve: Option<bool>,
    pub agenda: Option<Text2>,
    /// `Some("")` = none (`-`).
    pub group_link: Option<String>,
    /// `Some(None)` = at the start (`closes=-`).
    #[serde(skip)]
    pub closes_at: Option<Option<DateTime<Utc>>>,
    pub timezone: Option<String>,
    #[serde(default)]
    pub groups: BTreeMap<String, String>,
}

/// A validated salon, ready to create or to write over an existing one.
#[derive(Debug, Clone, PartialEq)]
pub struct SalonForm {
    pub salon: NewSalon,
    pub closes_at: Option<DateTime<Utc>>,
}

fn text(f: SalonField, v: &str, max: usize) -> Result<String, FormError> {
    long_text(v, max).map_err(|e| FormError::Text(f, e))
}

fn is_none_word(v: &str) -> bool {
    matches!(v.trim(), "-" | "—" | "无" | "none")
}

/// `14:00-14:30 签到; 14:30-17:00 座谈` or one item a line → one item a line.
pub fn agenda_lines(v: &str) -> String {
    v.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

impl SalonDraft {
    /// Everything of an existing salon: the start of a copy or an edit.
    pub fn from_salon(s: &Salon) -> SalonDraft {
        let i = &s.info;
        SalonDraft {
            title: Some(i.title.clone()),
            starts_at: Some(i.starts_at),
            ends_at: Some(i.ends_at),
            venue: Some(i.venue.clone()),
            capacity: Some(i.capacity),
            min_years: Some(i.min_years),
            auto_approve: Some(i.auto_approve),
            agenda: Some(i.agenda.clone()),
            group_link: Some(i.group_link.clone().unwrap_or_default()),
            closes_at: Some(s.closes_at),
            timezone: Some(i.timezone.name().to_string()),
            groups: i.groups.clone(),
        }
    }

    pub fn tz(&self) -> Tz {
        self.timezone
            .as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// Sets one field from what was typed, or says why it is refused.
    pub fn set(&mut self, f: SalonField, v: &str) -> Result<(), FormError> {
        let tz = self.tz();
        let start_day = self.starts_at.map(|s| s.with_timezone(&tz).date_naive());
        match f {
            SalonField::Timezone => {
                let t: Tz = v.trim().parse().map_err(|_| FormError::BadTimezone)?;
                self.timezone = Some(t.name().to_string());
            }
            SalonField::Title => {
                self.title = Some(Text2 {
                    zh: text(f, v, 120)?,
                    en: String::new(),
                })
            }
            SalonField::TitleEn => {
                self.title.get_or_insert_with(Text2::default).en = text(f, v, 120)?
            }
            SalonField::Start => {
                self.starts_at = Some(parse_local(v, tz, None).ok_or(FormError::BadTime(f))?)
            }
            SalonField::End => {
                self.ends_at = Some(parse_local(v, tz, start_day).ok_or(FormError::BadTime(f))?)
            }
            SalonField::Place => {
                self.venue = Some(Text2 {
                    zh: text(f, v, 200)?,
                    en: String::new(),
                })
            }
            SalonField::PlaceEn => {
                self.venue.get_or_insert_with(Text2::default).en = text(f, v, 200)?
            }
            SalonField::Capacity => {
                let n = v.trim().parse::<u32>().ok().filter(|n| *n > 0);
                self.capacity = Some(n.ok_or(FormError::CapacityNotPositive)?);
            }
            SalonField::MinYears => {
                let y = v.trim().trim_end_matches(['年', '+']).trim();
                let n = y.parse::<u32>().ok().filter(|n| *n <= 60);
                self.min_years = Some(n.ok_or(FormError::MinYearsNotNumber)?);
            }
            SalonField::Approval => {
                let auto = match v.trim().to_lowercase().as_str() {
                    "manual" | "人工" | "手动" | "审核" => false,
                    "auto" | "自动" => true,
                    _ => return Err(FormError::BadApproval),
                };
                self.auto_approve = Some(auto);
            }
            SalonField::Agenda | SalonField::AgendaEn => {
                let lines = if is_none_word(v) {
                    String::new()
                } else {
                    text(f, &agenda_lines(v), 2000)?
                };
                let a = self.agenda.get_or_insert_with(Text2::default);
                if f == SalonField::Agenda {
                    *a = Text2 {
                        zh: lines,
                        en: String::new(),
                    };
                } else {
                    a.en = lines;
                }
            }
            SalonField::GroupLink => {
                self.group_link = Some(if is_none_word(v) {
                    String::new()
                } else {
                    text(f, v, 500)?
                });
            }
            SalonField::Closes => {
                self.closes_at = Some(if is_none_word(v) {
                    None
                } else {
                    Some(parse_local(v, tz, start_day).ok_or(FormError::BadTime(f))?)
                });
            }
        }
        Ok(())
    }

    /// Applies checked fields in their order; the first refused one is returned.
    pub fn apply(&mut self, fields: &[(SalonField, String)]) -> Result<(), FormError> {
        for (f, v) in fields {
            self.set(*f, v)?;
        }
        Ok(())
    }

    /// Like `apply`, for a salon that has times already (an edit or a copy): a new start
    /// without an end keeps the salon's length.
    pub fn apply_keeping_length(
        &mut self,
        fields: &[(SalonField, String)],
    ) -> Result<(), FormError> {
        let length = self.starts_at.zip(self.ends_at).map(|(s, e)| e - s);
        self.apply(fields)?;
        let has = |f: SalonField| fields.iter().any(|(g, _)| *g == f);
        if has(SalonField::Start) && !has(SalonField::End) {
            if let (Some(s), Some(len)) = (self.starts_at, length) {
                self.ends_at = Some(s + len);
            }
        }
        Ok(())
    }

    /// The whole salon, checked: required fields, end after start, a start in the future
    /// (when `start_must_be_future`), closing no later than the start.
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        start_must_be_future: bool,
    ) -> Result<SalonForm, FormError> {
        use SalonField as F;
        let title = self.title.clone().ok_or(FormError::Missing(F::Title))?;
        let starts_at = self.starts_at.ok_or(FormError::Missing(F::Start))?;
        let ends_at = self.ends_at.ok_or(FormError::Missing(F::End))?;
        let venue = self.venue.clone().ok_or(FormError::Missing(F::Place))?;
        let capacity = self.capacity.ok_or(FormError::Missing(F::Capacity))?;
        if ends_at <= starts_at {
            return Err(FormError::EndBeforeStart);
        }
        if start_must_be_future && starts_at <= now {
            return Err(FormError::StartInPast);
        }
        let closes_at = self.closes_at.flatten();
        if closes_at.is_some_and(|c| c > starts_at) {
            return Err(FormError::ClosesAfterStart);
        }
        Ok(SalonForm {
            salon: NewSalon {
                title,
                venue,
                agenda: self.agenda.clone().unwrap_or_default(),
                starts_at,
                ends_at,
                timezone: self.tz(),
                capacity,
                min_years: self.min_years.unwrap_or(0),
                auto_approve: self.auto_approve.unwrap_or(false),
                group_link: self.group_link.clone().filter(|g| !g.is_empty()),
                groups: self.groups.clone(),
            },
            closes_at,
        })
    }
}
