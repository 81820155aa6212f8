//! A salon's figures for `/stats`: registrations by status and platform, seats, attendance
//! and the registrations-per-day series of its chart. Pure: computed from the rows.

use crate::feedback::Summary;
use crate::ids::Platform;
use crate::model::{RegStatus, RegistrationRow, Salon};
use crate::ports::RegistrationChart;
use chrono::{Duration, NaiveDate};

/// Longest chart, in days (the count before its first day carries over).
pub const CHART_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SalonStats {
    /// Every registration (the latest per person).
    pub total: u32,
    /// In `RegStatus::ALL` order, zeros left out.
    pub by_status: Vec<(RegStatus, u32)>,
    /// Most first.
    pub by_platform: Vec<(Platform, u32)>,
    /// Given a seat: approved, checked in, or no-show.
    pub approved: u32,
    pub capacity: u32,
    pub checked_in: u32,
    pub no_shows: u32,
    /// Checked in / (checked in + no-shows); `None` before anyone could be either.
    pub show_rate: Option<f64>,
    pub feedback_average: Option<f64>,
    pub feedback_answered: u32,
}

impl SalonStats {
    pub fn of(salon: &Salon, rows: &[RegistrationRow], feedback: &Summary) -> SalonStats {
        let count = |st: RegStatus| rows.iter().filter(|r| r.reg.status == st).count() as u32;
        let by_status = RegStatus::ALL
            .into_iter()
            .map(|st| (st, count(st)))
            .filter(|(_, n)| *n > 0)
            .collect();
        let mut by_platform: Vec<(Platform, u32)> = Platform::ALL
            .into_iter()
            .map(|p| {
                let n = rows.iter().filter(|r| r.reg.account.platform == p).count();
                (p, n as u32)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        by_platform.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let checked_in = count(RegStatus::CheckedIn);
        let no_shows = count(RegStatus::NoShow);
        let seen = checked_in + no_shows;
        SalonStats {
            total: rows.len() as u32,
            by_status,
            by_platform,
            approved: count(RegStatus::Approved) + checked_in + no_shows,
            capacity: salon.info.capacity,
            checked_in,
            no_shows,
            show_rate: (seen > 0).then(|| f64::from(checked_in) / f64::from(seen)),
            feedback_average: feedback.average,
            feedback_answered: feedback.answered,
        }
    }
}

/// Registrations received per day (local to the salon), cumulative, from the first one to
/// the salon's day (or the last registration, if later); at most `CHART_DAYS` days.
pub fn registration_chart(salon: &Salon, rows: &[RegistrationRow]) -> RegistrationChart {
    let tz = salon.info.timezone;
    let salon_day = salon.info.starts_at.with_timezone(&tz).date_naive();
    let mut days: Vec<NaiveDate> = rows
        .iter()
        .map(|r| r.reg.created_at.with_timezone(&tz).date_naive())
        .collect();
    days.sort();
    let first = days
        .first()
        .copied()
        .unwrap_or(salon_day)
        .min(salon_day - Duration::days(1));
    let last = days.last().copied().unwrap_or(salon_day).max(salon_day);
    let first = first.max(last - Duration::days(CHART_DAYS - 1));
    let mut cumulative = Vec::new();
    let mut d = first;
    while d <= last {
        let n = days.partition_point(|x| *x <= d);
        cumulative.push((d, n as u32));
        d += Duration::days(1);
    }
    RegistrationChart {
        cumulative,
        capacity: salon.info.capacity,
        salon_day,
    }
}
