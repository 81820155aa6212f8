//! Server-rendered pages (maud: checked at compile time, escaped by default).

pub mod chart;
pub mod door;
pub mod guests;
pub mod jobs;
pub mod layout;
pub mod overview;
pub mod salon;
pub mod salon_form;

use super::auth::Admin;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::html;
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::Locale;
use yunqi_storage::AppStore;
use yunqi_storage::SalonSummary;

/// A page with one heading and one sentence (sign-in problems, refusals).
pub fn message_page(l: Locale, title: T, text: T, with_logout: bool) -> Html<String> {
    let body = html! {
        h1 { (title.render(l)) }
        p.notice { (text.render(l)) }
        @if with_logout { p { a href="/admin/logout" { (T::Logout.render(l)) } } }
    };
    layout::bare(l, title.render(l), body)
}

pub async fn not_found(admin: Admin) -> Response {
    (
        StatusCode::NOT_FOUND,
        message_page(admin.locale, T::ConsoleTitle, T::NotFound, false),
    )
        .into_response()
}

/// An organizer's salon and its guests, or the page that says why not (403, 404, 500).
pub async fn salon_and_guests<S: AppStore>(
    s: &crate::web::WebState<S>,
    a: &Admin,
    id: i64,
) -> Result<(SalonSummary, Vec<yunqi_storage::GuestRow>), Response> {
    a.organizer().map_err(IntoResponse::into_response)?;
    let salon = match s.store.console_salon(id).await {
        Ok(Some(x)) => x,
        Ok(None) => {
            let page = message_page(a.locale, T::Salon, T::NotFound, false);
            return Err((StatusCode::NOT_FOUND, page).into_response());
        }
        Err(e) => return Err(super::auth::server_error(e)),
    };
    let guests = s
        .store
        .console_guests(id)
        .await
        .map_err(super::auth::server_error)?;
    Ok((salon, guests))
}

/// A time in the salon's own timezone, e.g. `12-05 14:00`.
pub fn local(t: DateTime<Utc>, tz: &str) -> String {
    match tz.parse::<chrono_tz::Tz>() {
        Ok(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

pub fn salon_title(s: &SalonSummary, l: Locale) -> &str {
    match l {
        Locale::Zh => &s.title_zh,
        Locale::En => &s.title_en,
    }
}

/// `?lang=en` carried on links when the page is in English and the member's default is not.
pub fn lang_q(l: Locale) -> &'static str {
    match l {
        Locale::En => "lang=en",
        Locale::Zh => "lang=zh",
    }
}
