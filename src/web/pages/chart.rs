//! Registrations over time as inline SVG drawn on the server: a bar per day and the
//! running total as a line. No script, and the CSP needs nothing extra (attributes only).

use chrono::{DateTime, NaiveDate, Utc};
use maud::{html, Markup};
use std::collections::BTreeMap;
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::Locale;

const W: f64 = 640.0;
const H: f64 = 160.0;
const PAD: f64 = 24.0;
/// Most days drawn: the last ones.
const DAYS: usize = 60;

/// Registrations per local day, with days without any filled in.
pub fn per_day(times: &[DateTime<Utc>], tz: &str) -> Vec<(NaiveDate, usize)> {
    let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for t in times {
        *days.entry(t.with_timezone(&tz).date_naive()).or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (days.keys().next(), days.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        out.push((d, days.get(&d).copied().unwrap_or(0)));
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    let skip = out.len().saturating_sub(DAYS);
    out.split_off(skip)
}

pub fn registrations(times: &[DateTime<Utc>], tz: &str, l: Locale) -> Markup {
    let days = per_day(times, tz);
    if days.is_empty() {
        return html! { p.muted { (T::Nothing.render(l)) } };
    }
    let total: usize = days.iter().map(|d| d.1).sum();
    let max_day = days.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let n = days.len() as f64;
    let slot = (W - 2.0 * PAD) / n;
    let bar = (slot * 0.7).max(1.0);
    let plot = H - 2.0 * PAD;
    let mut running = 0usize;
    let mut line = String::new();
    for (i, (_, c)) in days.iter().enumerate() {
        running += c;
        let x = PAD + slot * (i as f64 + 0.5);
        let y = H - PAD - plot * running as f64 / total.max(1) as f64;
        line.push_str(&format!("{x:.1},{y:.1} "));
    }
    let label = format!("{} · {total}", T::RegistrationsOverTime.render(l));
    let first = days[0].0.format("%m-%d").to_string();
    let last = days[days.len() - 1].0.format("%m-%d").to_string();
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(label) {
            title { (label) }
            line x1=(PAD) y1=(H - PAD) x2=(W - PAD) y2=(H - PAD) stroke="#999" stroke-width="1" {}
            @for (i, (d, c)) in days.iter().enumerate() {
                @let h = plot * (*c as f64) / max_day;
                rect x=(format!("{:.1}", PAD + slot * i as f64 + (slot - bar) / 2.0)) y=(format!("{:.1}", H - PAD - h))
                    width=(format!("{bar:.1}")) height=(format!("{h:.1}")) fill="#8fb3e0" {
                    title { (d.format("%Y-%m-%d")) ": " (c) }
                }
            }
            polyline points=(line.trim_end()) fill="none" stroke="#1f5fa8" stroke-width="2" {}
            text x=(PAD) y=(H - 6.0) font-size="11" fill="#555" { (first) }
            text x=(W - PAD) y=(H - 6.0) font-size="11" fill="#555" text-anchor="end" { (last) }
            text x=(W - PAD) y=(PAD - 8.0) font-size="11" fill="#1f5fa8" text-anchor="end" { (total) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_are_local_and_gaps_are_filled() {
        // 23:30 UTC on the 1st is the 2nd in Shanghai.
        let t = |d, h| Utc.with_ymd_and_hms(2026, 12, d, h, 30, 0).unwrap();
        let days = per_day(&[t(1, 23), t(2, 1), t(4, 1)], "Asia/Shanghai");
        let counts: Vec<usize> = days.iter().map(|d| d.1).collect();
        assert_eq!(counts, vec![2, 0, 1]);
        assert_eq!(days[0].0, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    }

    #[test]
    fn the_chart_is_svg_with_the_total() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
        let svg = registrations(&[t, t], "Asia/Shanghai", Locale::En).into_string();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<polyline"), "{svg}");
        assert!(svg.contains("· 2"), "{svg}");
    }
}
