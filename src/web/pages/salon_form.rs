//! `/admin/salons/new` and `/admin/salons/<id>/edit`: the salon fields as a form. Saving
//! submits the organizer's own `/newsalon` or `/editsalon` (`act::submit`), so the
//! validation, the reasons shown, the audit and the notifications are the chat command's.

use super::{lang_q, layout};
use crate::web::auth::{random_hex, Admin};
use crate::web::WebState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::html;
use yunqi_bot::command::Command;
use yunqi_bot::i18n::{salon_field_name, WebText as T};
use yunqi_bot::ids::SalonId;
use yunqi_bot::salon_form::SalonField;
use yunqi_storage::AppStore;

type Fields = Vec<(String, String)>;

fn multiline(f: SalonField) -> bool {
    matches!(f, SalonField::Agenda | SalonField::AgendaEn)
}

/// The form's non-empty fields as `key=value` pairs; agenda lines joined with `;`.
pub fn salon_fields(form: &Fields) -> Fields {
    SalonField::ALL
        .iter()
        .filter_map(|f| {
            let v = form.iter().find(|(k, _)| k == f.key())?.1.trim();
            let v = if multiline(*f) {
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ")
            } else {
                v.to_string()
            };
            (!v.is_empty()).then(|| (f.key().to_string(), v))
        })
        .collect()
}

pub async fn new_page(a: Admin) -> Response {
    render(&a, None, &[], &[])
}

pub async fn edit_page(a: Admin, Path(id): Path<i64>) -> Response {
    render(&a, Some(id), &[], &[])
}

pub async fn create<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Form(f): Form<Fields>,
) -> Response {
    save(&s, &a, None, f).await
}

pub async fn edit<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    save(&s, &a, Some(id), f).await
}

async fn save<S: AppStore>(s: &WebState<S>, a: &Admin, id: Option<i64>, f: Fields) -> Response {
    if let Err(r) = a.check_csrf(&f) {
        return r.into_response();
    }
    if let Err(r) = a.organizer() {
        return r.into_response();
    }
    let fields = salon_fields(&f);
    let command = match id {
        None => Command::NewSalon { copy: None, fields },
        Some(id) => Command::EditSalon {
            salon: SalonId(id),
            fields,
        },
    };
    match crate::web::act::submit(s, a, &f, vec![command]).await {
        // What was typed stays in the form, so a refused value can be corrected.
        Ok(results) => render(a, id, &results, &f),
        Err(resp) => resp,
    }
}

fn render(a: &Admin, id: Option<i64>, results: &[String], typed: &[(String, String)]) -> Response {
    if let Err(r) = a.organizer() {
        return r.into_response();
    }
    let l = a.locale;
    let (title, hint, action) = match id {
        None => (
            T::NewSalon,
            T::NewSalonHint,
            "/admin/salons/new".to_string(),
        ),
        Some(id) => (
            T::EditSalon,
            T::EditSalonHint,
            format!("/admin/salons/{id}/edit"),
        ),
    };
    let value = |f: SalonField| {
        typed
            .iter()
            .find(|(k, _)| k == f.key())
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let body = html! {
        h1 { (title.render(l)) @if let Some(id) = id { " #" (id) } }
        p.notice { (hint.render(l)) }
        @if !results.is_empty() {
            section.results { h2 { (T::Results.render(l)) } @for r in results { pre { (r) } } }
        }
        form method="post" action={ (action) "?" (lang_q(l)) } class="salon-form" {
            input type="hidden" name="csrf" value=(a.csrf);
            input type="hidden" name="n" value=(random_hex(16));
            @for f in SalonField::ALL {
                label {
                    span { (salon_field_name(f, l)) " " code { (f.key()) } }
                    @if multiline(f) {
                        textarea name=(f.key()) rows="4" { (value(f)) }
                    } @else {
                        input type="text" name=(f.key()) value=(value(f));
                    }
                }
            }
            button type="submit" { (T::Save.render(l)) }
        }
        @if let Some(id) = id {
            p { a href={ "/admin/salons/" (id) "?" (lang_q(l)) } { (T::Back.render(l)) } }
        }
    };
    layout::page(a, title.render(l), body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_filled_fields_go_to_the_command_and_agenda_lines_become_items() {
        let form: Fields = vec![
            ("csrf".into(), "x".into()),
            ("title".into(), " 第二期 ".into()),
            ("place".into(), "".into()),
            ("agenda".into(), "14:00 签到\r\n\r\n14:30 座谈\n".into()),
            ("unknown".into(), "ignored".into()),
        ];
        assert_eq!(
            salon_fields(&form),
            vec![
                ("title".to_string(), "第二期".to_string()),
                ("agenda".to_string(), "14:00 签到; 14:30 座谈".to_string()),
            ]
        );
    }
}
