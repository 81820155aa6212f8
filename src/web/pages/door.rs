//! `/admin/salons/<id>/door`: a phone-sized page for the entrance. Type a name, see the
//! person and their status, check them in with one tap (the chat command `/checkin`).
//! There are no tickets yet; when the ticket issue lands, its codes go in the same box.

use super::guests::{can_check_in, status_label};
use super::{lang_q, layout, salon_title};
use crate::web::auth::{random_hex, Admin};
use crate::web::WebState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use yunqi_bot::i18n::WebText as T;
use yunqi_storage::AppStore;

/// Most people shown for one search: the door needs a short list.
const SHOWN: usize = 8;

#[derive(Deserialize)]
pub struct Find {
    find: Option<String>,
}

pub async fn page<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
    Query(q): Query<Find>,
) -> Response {
    render(&s, &a, id, q.find.as_deref(), &[]).await
}

pub async fn render<S: AppStore>(
    s: &WebState<S>,
    a: &Admin,
    id: i64,
    find: Option<&str>,
    results: &[String],
) -> Response {
    let l = a.locale;
    let (salon, guests) = match super::salon_and_guests(s, a, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let needle = find
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty());
    let found: Vec<_> = match &needle {
        None => Vec::new(),
        Some(n) => guests
            .iter()
            .filter(|g| {
                g.name.as_deref().unwrap_or("").to_lowercase().contains(n)
                    || g.user_id.to_lowercase().contains(n)
            })
            .take(SHOWN)
            .collect(),
    };
    let checked = guests.iter().filter(|g| g.status == "checked_in").count();
    let q = lang_q(l);
    let body = html! {
        div.door {
            p { a href={ "/admin/salons/" (id) "?" (q) } { "← " (salon_title(&salon, l)) } }
            p.meta { (T::CheckIn.render(l)) " " strong id="checked" { (checked) } " / " (salon.held) }
            @for r in results { p.result role="status" { (r) } }
            form method="get" action={ "/admin/salons/" (id) "/door" } {
                input type="hidden" name="lang" value=(l.as_str());
                input type="search" name="find" value=(find.unwrap_or("")) placeholder=(T::DoorHint.render(l)) autofocus aria-label=(T::DoorHint.render(l));
                button type="submit" class="primary" { (T::Find.render(l)) }
            }
            @if needle.is_some() && found.is_empty() { p.muted { (T::NoMatch.render(l)) } }
            @for g in &found {
                form.person method="post" action={ "/admin/salons/" (id) "/act?" (q) } data-user=(g.account()) {
                    input type="hidden" name="csrf" value=(a.csrf);
                    input type="hidden" name="n" value=(random_hex(16));
                    input type="hidden" name="back" value="door";
                    input type="hidden" name="find" value=(find.unwrap_or(""));
                    div {
                        strong.name { (g.name.as_deref().unwrap_or(&g.user_id)) }
                        span.small { (g.position.as_deref().unwrap_or("")) }
                        span.status.(g.status) { (status_label(&g.status, l)) }
                    }
                    @if can_check_in(&g.status) {
                        button type="submit" name="row" value={ "checkin|" (g.account()) } class="primary big checkin" { (T::CheckIn.render(l)) }
                    }
                }
            }
        }
    };
    layout::page(a, T::DoorMode.render(l), body).into_response()
}
