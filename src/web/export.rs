//! Exports from the console: the guest list as CSV (UTF-8 with a BOM, so Excel reads
//! Chinese; phones as text, so Excel keeps every digit) and as .xlsx; jobs as CSV.
//! Same columns as `yunqi export`.

use super::auth::{server_error, Admin};
use super::WebState;
use crate::export::{field, salon_cols, write_jobs, SALON_HEADER};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use yunqi_storage::AppStore;
use yunqi_storage::ExportRow;

const BOM: &str = "\u{feff}";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `="13800000000"`: Excel shows the number as text instead of `1.38E+10`. Only digits
/// and `+` reach here (phones are validated when given).
fn phone_text(p: &str) -> String {
    if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'+') {
        format!("\"=\"\"{p}\"\"\"")
    } else {
        field(p)
    }
}

pub fn salon_csv_text(rows: &[ExportRow]) -> String {
    let mut out = format!("{BOM}{SALON_HEADER}\r\n");
    for r in rows {
        out.push_str(&salon_cols(r, phone_text).join(","));
        out.push_str("\r\n");
    }
    out
}

fn attachment(kind: &'static str, name: String, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn rows<S: AppStore>(
    s: &WebState<S>,
    a: &Admin,
    id: i64,
) -> Result<Vec<ExportRow>, Response> {
    a.organizer().map_err(IntoResponse::into_response)?;
    s.store.export_salon(id).await.map_err(server_error)
}

pub async fn salon_csv<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
) -> Response {
    match rows(&s, &a, id).await {
        Ok(r) => attachment(
            "text/csv; charset=utf-8",
            format!("salon-{id}.csv"),
            salon_csv_text(&r),
        ),
        Err(resp) => resp,
    }
}

/// Every cell a string: phones and ids stay text.
pub fn salon_xlsx_bytes(rows: &[ExportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("Guests")?;
    let bold = Format::new().set_bold();
    for (c, h) in SALON_HEADER.split(',').enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let cols = [
            r.id.to_string(),
            r.name.clone(),
            r.phone.clone(),
            r.position.clone(),
            r.years.clone(),
            r.status.clone(),
            r.platform.clone(),
            r.user.clone(),
            r.registered_at.to_rfc3339(),
        ];
        for (c, v) in cols.iter().enumerate() {
            sheet.write_string(row, c as u16, v)?;
        }
    }
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 16)?;
    sheet.set_column_width(8, 26)?;
    wb.save_to_buffer()
}

pub async fn salon_xlsx<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
) -> Response {
    let r = match rows(&s, &a, id).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    match salon_xlsx_bytes(&r) {
        Ok(b) => attachment(XLSX, format!("salon-{id}.xlsx"), b),
        Err(e) => server_error(e),
    }
}

/// Any signed-in user moderates jobs (organizers are operators too).
pub async fn jobs_csv<S: AppStore>(State(s): State<WebState<S>>, _a: Admin) -> Response {
    let rows = match s.store.export_jobs().await {
        Ok(r) => r,
        Err(e) => return server_error(e),
    };
    let mut out = BOM.as_bytes().to_vec();
    if let Err(e) = write_jobs(&mut out, &rows) {
        return server_error(e);
    }
    attachment("text/csv; charset=utf-8", "jobs.csv".into(), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_stay_text_and_other_fields_stay_safe() {
        assert_eq!(phone_text("13800000000"), "\"=\"\"13800000000\"\"\"");
        assert_eq!(phone_text("=cmd"), "'=cmd");
        assert_eq!(phone_text(""), "");
    }
}
