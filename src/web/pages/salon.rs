//! `/admin/salons/<id>`: seats, the registrations chart, the guest list with filters and
//! actions, exports and the door page.

use super::guests::{self, Filters};
use super::{chart, lang_q, layout, local, salon_title};
use crate::web::auth::{random_hex, Admin};
use crate::web::WebState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use std::collections::BTreeSet;
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::model::RegStatus;
use yunqi_storage::AppStore;

pub async fn page<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
    Query(f): Query<Filters>,
) -> Response {
    render(&s, &a, id, &f, &[]).await
}

/// The page, with the answers of actions just taken on top.
pub async fn render<S: AppStore>(
    s: &WebState<S>,
    a: &Admin,
    id: i64,
    f: &Filters,
    results: &[String],
) -> Response {
    let l = a.locale;
    let (salon, all) = match super::salon_and_guests(s, a, id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let rows = f.apply(&all);
    let platforms: BTreeSet<&str> = all.iter().map(|g| g.platform.as_str()).collect();
    let q = lang_q(l);
    let title = salon_title(&salon, l).to_string();
    let registered: Vec<_> = all.iter().map(|g| g.registered_at()).collect();
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = html! {
        h1 { (title) }
        p.meta {
            (local(salon.starts(), &salon.timezone)) " · "
            (T::Held.render(l)) " " strong id="held" { (salon.held) "/" (salon.capacity) } " · "
            (T::Pending.render(l)) " " strong { (salon.pending) } " · "
            (T::Waitlist.render(l)) " " strong { (salon.waitlisted) }
        }
        p.links {
            a href={ "/admin/salons/" (id) "/door?" (q) } { (T::DoorMode.render(l)) }
            a href={ "/admin/salons/" (id) "/edit?" (q) } { (T::EditSalon.render(l)) }
            a href={ "/admin/salons/" (id) "/export.csv" } { (T::ExportCsv.render(l)) }
            a href={ "/admin/salons/" (id) "/export.xlsx" } { (T::ExportXlsx.render(l)) }
        }
        @if !results.is_empty() {
            section.results role="status" {
                h2 { (T::Results.render(l)) }
                @for r in results { pre { (r) } }
            }
        }
        h2 { (T::RegistrationsOverTime.render(l)) }
        (chart::registrations(&registered, &salon.timezone, l))
        h2 { (T::GuestList.render(l)) " (" (rows.len()) "/" (all.len()) ")" }
        form.filters method="get" action={ "/admin/salons/" (id) } {
            input type="hidden" name="lang" value=(l.as_str());
            label { (T::Status.render(l)) " "
                select name="status" {
                    option value="" { (T::All.render(l)) }
                    @for st in RegStatus::ALL {
                        option value=(st.as_str()) selected[sel(&f.status, st.as_str())] { (guests::status_label(st.as_str(), l)) }
                    }
                }
            }
            label { (T::Platform.render(l)) " "
                select name="platform" {
                    option value="" { (T::All.render(l)) }
                    @for p in &platforms {
                        option value=(p) selected[sel(&f.platform, p)] { (p) }
                    }
                }
            }
            input type="search" name="q" value=(f.q.as_deref().unwrap_or("")) placeholder=(T::SearchName.render(l));
            button type="submit" { (T::Filter.render(l)) }
        }
        form.act method="post" action={ "/admin/salons/" (id) "/act?" (q) } {
            input type="hidden" name="csrf" value=(a.csrf);
            input type="hidden" name="n" value=(random_hex(16));
            input type="hidden" name="status" value=(f.status.as_deref().unwrap_or(""));
            input type="hidden" name="platform" value=(f.platform.as_deref().unwrap_or(""));
            input type="hidden" name="q" value=(f.q.as_deref().unwrap_or(""));
            div.bulk {
                span { (T::Selected.render(l)) }
                button type="submit" name="action" value="approve" { (T::Approve.render(l)) }
                button type="submit" name="action" value="checkin" { (T::CheckIn.render(l)) }
                input type="text" name="reason" maxlength="200" placeholder=(T::Reason.render(l)) aria-label=(T::Reason.render(l));
                button type="submit" name="action" value="reject" { (T::Reject.render(l)) }
            }
            (guests::table(a, &rows, &salon.timezone))
        }
    };
    layout::page(a, &title, body).into_response()
}
