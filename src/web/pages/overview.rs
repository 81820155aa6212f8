//! `/admin`: upcoming and recent salons with their seats, jobs waiting for moderation,
//! deliveries that failed.

use super::{lang_q, layout, local, salon_title};
use crate::web::auth::{server_error, Admin};
use crate::web::WebState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use yunqi_bot::i18n::WebText as T;
use yunqi_storage::AppStore;
use yunqi_storage::SalonSummary;

/// Ended salons shown under "recent".
const RECENT: usize = 5;

pub async fn page<S: AppStore>(State(s): State<WebState<S>>, a: Admin) -> Response {
    let now = s.clock.now();
    let salons = match s.store.console_salons().await {
        Ok(x) => x,
        Err(e) => return server_error(e),
    };
    let failed = match s.store.console_failed_deliveries().await {
        Ok(x) => x,
        Err(e) => return server_error(e),
    };
    let drafts = match s.store.export_jobs().await {
        Ok(jobs) => jobs.iter().filter(|j| j.status == "draft").count(),
        Err(e) => return server_error(e),
    };
    let (mut upcoming, recent): (Vec<_>, Vec<_>) =
        salons.into_iter().partition(|x| x.ends() >= now);
    upcoming.reverse();
    let recent: Vec<_> = recent.into_iter().take(RECENT).collect();
    let l = a.locale;
    let q = lang_q(l);
    let body = html! {
        h1 { (T::NavOverview.render(l)) }
        @if a.roles.organizer {
            p.links { a href={ "/admin/salons/new?" (q) } { (T::NewSalon.render(l)) } }
            h2 { (T::Upcoming.render(l)) }
            (salon_table(&a, &upcoming))
            h2 { (T::Recent.render(l)) }
            (salon_table(&a, &recent))
        }
        div.cards {
            @if a.roles.operator {
                a.card href={ "/admin/jobs?" (q) } {
                    span.big { (drafts) }
                    span { (T::JobsToModerate.render(l)) }
                }
            }
            div.card.(if failed > 0 { "warn" } else { "" }) {
                span.big id="failed" { (failed) }
                span { (T::FailedDeliveries.render(l)) }
            }
        }
    };
    layout::page(&a, T::NavOverview.render(l), body).into_response()
}

fn salon_table(a: &Admin, rows: &[SalonSummary]) -> Markup {
    let l = a.locale;
    let q = lang_q(l);
    html! {
        @if rows.is_empty() {
            p.muted { (T::Nothing.render(l)) }
        } @else {
            table {
                thead { tr {
                    th { "#" } th { (T::Salon.render(l)) } th { (T::When.render(l)) }
                    th.num { (T::Held.render(l)) } th.num { (T::Pending.render(l)) }
                    th.num { (T::Waitlist.render(l)) }
                } }
                tbody {
                    @for s in rows {
                        tr {
                            td { (s.id) }
                            td { a href={ "/admin/salons/" (s.id) "?" (q) } { (salon_title(s, l)) } }
                            td { (local(s.starts(), &s.timezone)) }
                            td.num { (s.held) "/" (s.capacity) }
                            td.num { (s.pending) }
                            td.num { (s.waitlisted) }
                        }
                    }
                }
            }
        }
    }
}
