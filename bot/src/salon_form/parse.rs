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
        [
            r(r"第([0-9]+|[零一二三四五六七八九十百]+)期"),
            r(r"#([0-9]+)"),
            r(r"(?i)salon\s+([0-9]+)"),
        ]
    })
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 一 … 九百九十九 as written in titles (十二, 二十, 一百零五).
fn from_chinese(s: &str) -> Option<u64> {
    let digit = |c: char| DIGITS.iter().position(|d| *d == c).map(|p| p as u64);
    let (mut total, mut pending) = (0u64, None::<u64>);
    for c in s.chars() {
        match c {
            '十' => {
                total += pending.take().unwrap_or(1) * 10;
            }
            '百' => {
                total += pending.take()? * 100;
            }
            c => {
                pending = Some(digit(c)?);
            }
        }
    }
    Some(total + pending.unwrap_or(0))
}

fn to_chinese(n: u64) -> Option<String> {
    let d = |n: u64| DIGITS[n as usize];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut out = String::new();
    match (h, t, u) {
        (0, 0, _) => out.push(d(u)),
        (0, 1, _) => out.push('十'),
        (0, _, _) => {
            out.push(d(t));
            out.push('十');
        }
        (1..=9, 0, _) => {
            out.push(d(h));
            out.push('百');
            if u > 0 {
                out.push('零');
            }
        }
        (1..=9, _, _) => {
            out.push(d(h));
            out.push('百');
            out.push(d(t));
            out.push('十');
        }
        _ => return None,
    }
    if u > 0 && !(h == 0 && t == 0) {
        out.push(d(u));
    }
    Some(out)
}

/// The title with its series number (`第N期`, `第二期`, `#N`, `Salon N`) increased by one;
/// `None` when it has none.
pub fn next_title(title: &str) -> Option<String> {
    for re in patterns() {
        if let Some(c) = re.captures(title) {
            let m = c.get(1)?;
            let next = match m.as_str().parse::<u64>() {
                Ok(n) => (n + 1).to_string(),
                Err(_) => to_chinese(from_chinese(m.as_str())? + 1)?,
            };
            let mut out = String::with_capacity(title.len() + 3);
            out.push_str(&title[..m.start()]);
            out.push_str(&next);
            out.push_str(&title[m.end()..]);
            return Some(out);
        }
    }
    None
}
