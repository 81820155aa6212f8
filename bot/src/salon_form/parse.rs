//! Local dates and times as organizers write them, and the next title of a series.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use regex::Regex;
use std::sync::OnceLock;

const DATE_TIMES: [&str; 6] = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M",
];

/// `2026-12-19 14:00` (also `T`, `/`, seconds, `2026年12月19日 14:00`), read in `tz`; a
/// bare `17:00` is on `day` (the start's date) when one is given.
pub fn parse_local(input: &str, tz: Tz, day: Option<NaiveDate>) -> Option<DateTime<Utc>> {
    let s = input.trim().replace('：', ":");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let naive = DATE_TIMES
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .or_else(|| {
            let t = NaiveTime::parse_from_str(&s, "%H:%M").ok()?;
            Some(day?.and_time(t))
        })?;
    // A time skipped by a clock change does not exist; a repeated one takes the first.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn patterns() -> &'static [Regex; 3] {
    static P: OnceLock<[Regex; 3]> = OnceLock::new();
    P.get_or_init(|| {
        let r = |p: &str| Regex::new(p).unwrap_or_else(|_| unreachable!("a valid constant"));
        [r(r"第(\d+)期"), r(r"#(\d+)"), r(r"(?i)salon\s+(\d+)")]
    })
}

/// The title with its series number (`第N期`, `#N`, `Salon N`) increased by one; `None`
/// when it has none.
pub fn next_title(title: &str) -> Option<String> {
    for re in patterns() {
        if let Some(c) = re.captures(title) {
            let m = c.get(1)?;
            let n: u64 = m.as_str().parse().ok()?;
            let mut out = String::with_capacity(title.len() + 1);
            out.push_str(&title[..m.start()]);
            out.push_str(&(n + 1).to_string());
            out.push_str(&title[m.end()..]);
            return Some(out);
        }
    }
    None
}
