//! `yunqi export salon <id>`: CSV with the pinned header.

use std::io::Write;
use yunqi_storage::{ExportRow, FeedbackExportRow, JobExportRow};

pub const SALON_HEADER: &str = "id,name,phone,position,years,status,platform,user,registered_at";

/// RFC 4180 quoting; a leading `= + - @` is prefixed with `'` so spreadsheets do not run it.
pub(crate) fn field(s: &str) -> String {
    let plus_not_number = s.starts_with('+') && !s[1..].bytes().all(|b| b.is_ascii_digit());
    let s = if s.starts_with(['=', '-', '@']) || plus_not_number {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One registration as `SALON_HEADER`'s columns; `phone` writes the phone cell.
pub(crate) fn salon_cols(r: &ExportRow, phone: impl Fn(&str) -> String) -> [String; 9] {
    [
        r.id.to_string(),
        field(&r.name),
        phone(&r.phone),
        field(&r.position),
        r.years.clone(),
        r.status.clone(),
        r.platform.clone(),
        field(&r.user),
        r.registered_at.to_rfc3339(),
    ]
}

pub fn write_salon(out: &mut impl Write, rows: &[ExportRow]) -> std::io::Result<()> {
    writeln!(out, "{SALON_HEADER}")?;
    for r in rows {
        writeln!(out, "{}", salon_cols(r, field).join(","))?;
    }
    Ok(())
}

pub const JOBS_HEADER: &str = "id,title,status,client_platform,client_user,tags,budget_min,budget_max,deadline,assignee,applicants,created_at,published_at";

pub fn write_jobs(out: &mut impl Write, rows: &[JobExportRow]) -> std::io::Result<()> {
    writeln!(out, "{JOBS_HEADER}")?;
    for r in rows {
        let cols = [
            r.id.to_string(),
            field(&r.title),
            r.status.clone(),
            r.client_platform.clone(),
            field(&r.client_user),
            field(&r.tags),
            r.budget_min.to_string(),
            r.budget_max.to_string(),
            r.deadline.clone(),
            field(&r.assignee),
            r.applicants.to_string(),
            r.created_at.to_rfc3339(),
            r.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ];
        writeln!(out, "{}", cols.join(","))?;
    }
    Ok(())
}

pub const FEEDBACK_HEADER: &str = "salon,user,platform,rating,comment,answered_at";

pub fn write_feedback(out: &mut impl Write, rows: &[FeedbackExportRow]) -> std::io::Result<()> {
    writeln!(out, "{FEEDBACK_HEADER}")?;
    for r in rows {
        let cols = [
            r.salon.to_string(),
            field(&r.user),
            r.platform.clone(),
            r.rating.to_string(),
            field(&r.comment),
            r.answered_at.to_rfc3339(),
        ];
        writeln!(out, "{}", cols.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_formulas_are_made_safe() {
        assert_eq!(field("张三"), "张三");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1+2"), "'-1+2");
        // E.164 phone numbers keep their plus.
        assert_eq!(field("+4915112345678"), "+4915112345678");
    }

    #[test]
    fn feedback_rows_are_written_with_the_pinned_header_and_safe_cells() {
        use chrono::TimeZone;
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 10, 5, 0)
            .unwrap();
        let row = |user: &str, rating, comment: &str| FeedbackExportRow {
            salon: 1,
            user: user.into(),
            platform: "slack".into(),
            rating,
            comment: comment.into(),
            answered_at: at,
        };
        let mut out = Vec::new();
        write_feedback(
            &mut out,
            &[
                row("U1", 5, "好，再办"),
                row("U2", 2, "=cmd|' /C calc'!A0, \"x\""),
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "salon,user,platform,rating,comment,answered_at\n\
             1,U1,slack,5,好，再办,2026-11-28T10:05:00+00:00\n\
             1,U2,slack,2,\"'=cmd|' /C calc'!A0, \"\"x\"\"\",2026-11-28T10:05:00+00:00\n"
        );
    }
}
