//! Jobs (需求): the record, its validated fields and its state machine.

use crate::ids::{MemberId, UserRef};
/// Tags are validated values that members and jobs share; here for existing paths.
pub use crate::tag::{Tag, MAX_TAGS};
pub use crate::validate::JobInvalid;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub i64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A budget range in whole CNY: `5000-8000`, `5k-8k`, `5000~8000`, `1万-2万`, or `6000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    pub min: u64,
    pub max: u64,
}

impl Budget {
    pub fn parse(input: &str) -> Result<Budget, JobInvalid> {
        let s: String = input
            .trim()
            .to_lowercase()
            .replace([' ', ',', '￥', '¥'], "")
            .replace("cny", "")
            .replace("元", "")
            .replace("rmb", "");
        if s.is_empty() {
            return Err(JobInvalid::BudgetFormat);
        }
        let (a, b) = match s.split_once(['-', '~', '～', '–', '—']) {
            Some((a, b)) => (a, b),
            None => (s.as_str(), s.as_str()),
        };
        let min = amount(a)?;
        let max = amount(b)?;
        if min > max {
            return Err(JobInvalid::BudgetOrder);
        }
        Ok(Budget { min, max })
    }
}

fn amount(s: &str) -> Result<u64, JobInvalid> {
    let (num, mult) = if let Some(n) = s.strip_suffix('k') {
        (n, 1_000.0)
    } else if let Some(n) = s.strip_suffix('w').or_else(|| s.strip_suffix('万')) {
        (n, 10_000.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num.parse().map_err(|_| JobInvalid::BudgetFormat)?;
    if !v.is_finite() || v <= 0.0 || v * mult > 1e10 {
        return Err(JobInvalid::BudgetFormat);
    }
    let yuan = (v * mult).round();
    // `0.4` would be stored as ¥0: a budget is at least one whole yuan.
    if yuan < 1.0 {
        return Err(JobInvalid::BudgetZero);
    }
    Ok(yuan as u64)
}

/// A deadline further ahead than this is a typo, not a plan.
pub const MAX_DEADLINE_DAYS: u64 = 3650;

impl fmt::Display for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "¥{}", self.min)
        } else {
            write!(f, "¥{}–{}", self.min, self.max)
        }
    }
}

/// A deadline date, in the future: `2027-01-31`, or a duration from today (`30d`, `6w`,
/// `30天`, `2周`).
pub fn parse_deadline(input: &str, today: NaiveDate) -> Result<NaiveDate, JobInvalid> {
    let s = input.trim().to_lowercase();
    let date = if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        d
    } else {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (n, unit) = s.split_at(end);
        let n: u64 = match n.parse() {
            Ok(n) => n,
            // All digits but more than u64 holds: too far, not malformed.
            Err(_) if !n.is_empty() => {
                return Err(JobInvalid::DeadlineTooFar {
                    max_days: MAX_DEADLINE_DAYS,
                })
            }
            Err(_) => return Err(JobInvalid::DeadlineFormat),
        };
        let per = match unit.trim() {
            "d" | "day" | "days" | "天" => 1,
            "w" | "week" | "weeks" | "周" | "星期" => 7,
            "m" | "month" | "months" | "个月" | "月" => 30,
            _ => return Err(JobInvalid::DeadlineFormat),
        };
        // Checked: a huge count must not wrap round to a near date.
        let days = n
            .checked_mul(per)
            .filter(|d| *d <= MAX_DEADLINE_DAYS)
            .ok_or(JobInvalid::DeadlineTooFar {
                max_days: MAX_DEADLINE_DAYS,
            })?;
        today
            .checked_add_days(Days::new(days))
            .ok_or(JobInvalid::DeadlineFormat)?
    };
    if date <= today {
        return Err(JobInvalid::DeadlinePast);
    }
    if (date - today).num_days() > MAX_DEADLINE_DAYS as i64 {
        return Err(JobInvalid::DeadlineTooFar {
            max_days: MAX_DEADLINE_DAYS,
        });
    }
    Ok(date)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for an operator (moderation on).
    Draft,
    Open,
    Assigned,
    Delivered,
    Accepted,
    Closed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 6] = [
        JobStatus::Draft,
        JobStatus::Open,
        JobStatus::Assigned,
        JobStatus::Delivered,
        JobStatus::Accepted,
        JobStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Draft => "draft",
            JobStatus::Open => "open",
            JobStatus::Assigned => "assigned",
            JobStatus::Delivered => "delivered",
            JobStatus::Accepted => "accepted",
            JobStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state machine: draft → open → assigned → delivered → accepted, delivered →
    /// assigned (an acceptance item sent back), and closed from any state before accepted.
    pub fn can_become(self, to: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, to),
            (Draft, Open)
                | (Open, Assigned)
                | (Assigned, Delivered)
                | (Delivered, Accepted)
                // An acceptance item sent back, or an operator reopening it.
                | (Delivered, Assigned)
                | (Draft | Open | Assigned | Delivered, Closed)
        )
    }
}

/// A job as the client wrote it; every field already validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobDraft {
    pub title: String,
    pub description: String,
    pub tags: Vec<Tag>,
    pub budget: Budget,
    pub deadline: NaiveDate,
    pub acceptance: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub owner: MemberId,
    /// Where the client posted from; notifications to the client go there.
    pub owner_account: UserRef,
    pub draft: JobDraft,
    pub status: JobStatus,
    pub assignee: Option<MemberId>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// An application with what the ranking is explained by.
#[derive(Debug, Clone, PartialEq)]
pub struct Applicant {
    pub member: crate::model::Member,
    pub account: UserRef,
    pub pitch: String,
    pub applied_at: DateTime<Utc>,
    /// Accepted deliveries sharing at least one of the job's tags.
    pub matching_deliveries: u32,
}

/// Ranking: matching deliveries (desc), then years (desc), then who applied first.
pub fn rank(applicants: &mut [Applicant]) {
    applicants.sort_by(|a, b| {
        b.matching_deliveries
            .cmp(&a.matching_deliveries)
            .then_with(|| {
                b.member
                    .years
                    .map(|y| y.get())
                    .unwrap_or(0)
                    .cmp(&a.member.years.map(|y| y.get()).unwrap_or(0))
            })
            .then_with(|| a.applied_at.cmp(&b.applied_at))
    });
}

/// A member who subscribed to tags, with where and how to tell them.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscriber {
    pub member: crate::model::Member,
    /// The account that subscribed: notifications go there.
    pub account: UserRef,
    pub digest: DigestMode,
    pub quiet: Option<Quiet>,
    pub tags: Vec<Tag>,
    pub last_digest_at: Option<DateTime<Utc>>,
}

/// Who to notify of a new job and how: the least a fan-out to thousands needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyTarget {
    pub member: MemberId,
    pub locale: crate::ids::Locale,
    pub account: UserRef,
    pub quiet: Option<Quiet>,
}

/// A subscriber's preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DigestMode {
    Instant,
    Daily,
}

/// Quiet hours in the subscriber's local time (Asia/Shanghai), e.g. 22:00–08:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiet {
    /// Minutes after midnight.
    pub start: u32,
    pub end: u32,
}

impl Quiet {
    pub fn parse(input: &str) -> Option<Quiet> {
        let (a, b) = input.trim().split_once(['-', '~', '–'])?;
        let m = |s: &str| -> Option<u32> {
            let (h, mi) = s.trim().split_once(':').unwrap_or((s.trim(), "0"));
            let (h, mi): (u32, u32) = (h.parse().ok()?, mi.parse().ok()?);
            (h < 24 && mi < 60).then_some(h * 60 + mi)
        };
        let (start, end) = (m(a)?, m(b)?);
        (start != end).then_some(Quiet { start, end })
    }

    pub fn contains(&self, minute_of_day: u32) -> bool {
        if self.start < self.end {
            (self.start..self.end).contains(&minute_of_day)
        } else {
            minute_of_day >= self.start || minute_of_day < self.end
        }
    }

    /// Minutes from `minute_of_day` until quiet hours end (0 when not quiet).
    pub fn minutes_left(&self, minute_of_day: u32) -> u32 {
        if !self.contains(minute_of_day) {
            return 0;
        }
        (self.end + 24 * 60 - minute_of_day) % (24 * 60)
    }
}

impl fmt::Display for Quiet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_with_aliases_and_chinese_names_allowed() {
        let t = |s: &str| Tag::parse(s).map(|t| t.as_str().to_string());
        assert_eq!(t("Rust"), Ok("rust".into()));
        assert_eq!(t("#JS"), Ok("javascript".into()));
        assert_eq!(t("golang"), Ok("go".into()));
        assert_eq!(t("C++"), Ok("cpp".into()));
        assert_eq!(t("前端"), Ok("frontend".into()));
        assert_eq!(t("鸿蒙"), Ok("鸿蒙".into()));
        assert_eq!(t("a b"), Err(JobInvalid::TagChars));
        assert_eq!(t("rust!"), Err(JobInvalid::TagChars));
        assert_eq!(t(""), Err(JobInvalid::NoTags));
        assert_eq!(
            Tag::parse_list("rust, cli，Rust、web")
                .unwrap()
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>(),
            vec!["rust", "cli", "web"]
        );
        assert_eq!(Tag::parse_list(" , "), Err(JobInvalid::NoTags));
        assert_eq!(
            Tag::parse_list("a b c d e f g h i"),
            Err(JobInvalid::TooManyTags { max: 8 })
        );
    }

    #[test]
    fn budgets_accept_ranges_and_shorthands_and_refuse_min_above_max() {
        let ok = [
            ("5000-8000", (5000, 8000)),
            ("5k-8k", (5000, 8000)),
            ("5000~8000元", (5000, 8000)),
            ("1万-2万", (10000, 20000)),
            ("1.5w-2w", (15000, 20000)),
            ("¥6,000", (6000, 6000)),
            ("6000 CNY", (6000, 6000)),
        ];
        for (s, (min, max)) in ok {
            assert_eq!(Budget::parse(s), Ok(Budget { min, max }), "{s}");
        }
        assert_eq!(Budget::parse("8000-5000"), Err(JobInvalid::BudgetOrder));
        for bad in ["", "cheap", "-5", "0", "5000-", "abc-def", "1e20"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deadlines_are_future_dates_or_durations_from_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            parse_deadline("2027-01-31", today),
            Ok(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap())
        );
        assert_eq!(
            parse_deadline("30d", today),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 26).unwrap())
        );
        assert_eq!(
            parse_deadline("2周", today),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 10).unwrap())
        );
        assert_eq!(
            parse_deadline("2026-11-26", today),
            Err(JobInvalid::DeadlinePast)
        );
        assert_eq!(
            parse_deadline("2020-01-01", today),
            Err(JobInvalid::DeadlinePast)
        );
        assert_eq!(
            parse_deadline("soon", today),
            Err(JobInvalid::DeadlineFormat)
        );
        assert_eq!(
            parse_deadline("2027-02-30", today),
            Err(JobInvalid::DeadlineFormat)
        );
    }

    #[test]
    fn the_state_machine_allows_only_the_documented_moves() {
        use JobStatus::*;
        let allowed = [
            (Draft, Open),
            (Open, Assigned),
            (Assigned, Delivered),
            (Delivered, Accepted),
            (Delivered, Assigned),
            (Draft, Closed),
            (Open, Closed),
            (Assigned, Closed),
            (Delivered, Closed),
        ];
        for from in JobStatus::ALL {
            for to in JobStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn quiet_hours_may_wrap_midnight() {
        let q = Quiet::parse("22:00-08:00").unwrap();
        assert!(q.contains(23 * 60) && q.contains(0) && q.contains(7 * 60 + 59));
        assert!(!q.contains(8 * 60) && !q.contains(12 * 60));
        assert_eq!(q.minutes_left(23 * 60), 9 * 60);
        assert_eq!(q.minutes_left(12 * 60), 0);
        let day = Quiet::parse("12:30-13:30").unwrap();
        assert!(day.contains(13 * 60) && !day.contains(14 * 60));
        assert_eq!(Quiet::parse("9-9"), None);
        assert_eq!(Quiet::parse("25:00-08:00"), None);
        assert_eq!(q.to_string(), "22:00-08:00");
    }

    #[test]
    fn huge_deadline_counts_are_refused_not_wrapped_to_a_near_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let far = Err(JobInvalid::DeadlineTooFar {
            max_days: MAX_DEADLINE_DAYS,
        });
        for s in [
            "614891469123651721m",
            "3074457345618258603w",
            "99999999999999999999999d",
            "3651d",
            "9999-12-31",
        ] {
            assert_eq!(parse_deadline(s, today), far, "{s}");
        }
        assert_eq!(
            parse_deadline("122m", today),
            far,
            "122 months of 30 days is past ten years"
        );
        assert!(parse_deadline("121m", today).is_ok());
    }

    #[test]
    fn budgets_that_round_to_zero_yuan_are_refused() {
        for s in ["0.4", "0.0001k", "0.4-0.4", "0.2-5000"] {
            assert_eq!(Budget::parse(s), Err(JobInvalid::BudgetZero), "{s}");
        }
        assert_eq!(Budget::parse("0.6"), Ok(Budget { min: 1, max: 1 }));
    }
}
