//! Calendar invites (RFC 5545) for approved attendees.

use crate::ids::Locale;
use crate::message::Attachment;
use crate::model::Salon;
use chrono::{DateTime, Utc};

/// `YYYYMMDDTHHMMSSZ`, written directly: `format` parses its pattern on every call, and
/// an approval writes three of these (ARCHITECTURE.md, "Where the time goes").
fn stamp(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Escapes TEXT values: backslash, comma, semicolon, newline.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character.
#[cfg(test)]
fn fold(line: &str) -> String {
    let mut out = String::new();
    fold_into(line, &mut out);
    out
}

/// `fold`, appending to `out`; a line that fits is copied whole.
fn fold_into(line: &str, out: &mut String) {
    if line.len() <= 75 {
        out.push_str(line);
        out.push_str("\r\n");
        return;
    }
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The salon as it is now; after a change of time or place it carries the salon's
/// `SEQUENCE`, so calendars replace the earlier invite (same UID).
pub fn invite(salon: &Salon, l: Locale, now: DateTime<Utc>) -> Attachment {
    calendar(salon, l, now, false)
}

/// Removes the salon from calendars: `METHOD:CANCEL`, same UID, `STATUS:CANCELLED`.
pub fn cancellation(salon: &Salon, l: Locale, now: DateTime<Utc>) -> Attachment {
    calendar(salon, l, now, true)
}

fn calendar(salon: &Salon, l: Locale, now: DateTime<Utc>, cancel: bool) -> Attachment {
    let method = if cancel { "CANCEL" } else { "PUBLISH" };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//yunqi-bot//salon//EN".into(),
        format!("METHOD:{method}"),
        "BEGIN:VEVENT".into(),
        format!("UID:salon-{}@yunqi-bot", salon.id),
    ];
    // SEQUENCE 0 is the default: the first invite stays as it always was.
    if salon.sequence > 0 {
        lines.push(format!("SEQUENCE:{}", salon.sequence));
    }
    if cancel {
        lines.push("STATUS:CANCELLED".into());
    }
    lines.extend([
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(salon.info.starts_at)),
        format!("DTEND:{}", stamp(salon.info.ends_at)),
        format!("SUMMARY:{}", escape(salon.info.title.get(l))),
        format!("LOCATION:{}", escape(salon.info.venue.get(l))),
        format!("DESCRIPTION:{}", escape(salon.info.agenda.get(l))),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);
    Attachment::text(
        format!("salon-{}.ics", salon.id),
        "text/calendar",
        lines.iter().fold(String::with_capacity(512), |mut out, l| {
            fold_into(l, &mut out);
            out
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn stamps_are_utc_basic_format() {
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 7, 9, 5, 2).unwrap();
        assert_eq!(stamp(t), t.format("%Y%m%dT%H%M%SZ").to_string());
        assert_eq!(stamp(t), "20260307T090502Z");
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_on_char_boundaries() {
        let line = format!("DESCRIPTION:{}", "议程".repeat(40));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        let unfolded = folded.replace("\r\n ", "").replace("\r\n", "");
        assert_eq!(unfolded, line);
    }
}
