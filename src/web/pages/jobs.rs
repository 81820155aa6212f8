//! `/admin/jobs`: the moderation queue (publish / decline with a reason, as `/publish`
//! and `/decline`) and open jobs with their applicant counts.

use super::layout;
use crate::web::auth::{random_hex, server_error, Admin};
use crate::web::WebState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use yunqi_bot::i18n::WebText as T;
use yunqi_storage::AppStore;

pub async fn page<S: AppStore>(State(s): State<WebState<S>>, a: Admin) -> Response {
    render(&s, &a, &[]).await
}

pub async fn render<S: AppStore>(s: &WebState<S>, a: &Admin, results: &[String]) -> Response {
    let l = a.locale;
    if !a.roles.operator {
        return (
            StatusCode::FORBIDDEN,
            super::message_page(l, T::NavJobs, T::NotAllowed, true),
        )
            .into_response();
    }
    let jobs = match s.store.export_jobs().await {
        Ok(x) => x,
        Err(e) => return server_error(e),
    };
    let drafts: Vec<_> = jobs.iter().filter(|j| j.status == "draft").collect();
    let open: Vec<_> = jobs.iter().filter(|j| j.status == "open").collect();
    let q = super::lang_q(l);
    let budget = |min: i64, max: i64| format!("¥{min}–{max}");
    let body = html! {
        h1 { (T::NavJobs.render(l)) }
        p.links { a href="/admin/jobs/export.csv" { (T::ExportJobs.render(l)) } }
        @if !results.is_empty() {
            section.results role="status" {
                h2 { (T::Results.render(l)) }
                @for r in results { pre { (r) } }
            }
        }
        h2 { (T::JobsToModerate.render(l)) }
        @if drafts.is_empty() { p.muted { (T::Nothing.render(l)) } }
        @for j in &drafts {
            form.job method="post" action={ "/admin/jobs/act?" (q) } data-job=(j.id) {
                input type="hidden" name="csrf" value=(a.csrf);
                input type="hidden" name="n" value=(random_hex(16));
                input type="hidden" name="job" value=(j.id);
                div {
                    strong { "#" (j.id) " " (j.title) }
                    span.small { (budget(j.budget_min, j.budget_max)) " · " (j.deadline) " · " (j.tags) " · " (j.client_platform) ":" (j.client_user) }
                }
                div.bulk {
                    button type="submit" name="action" value="publish" class="primary" { (T::Publish.render(l)) }
                    input type="text" name="reason" maxlength="200" placeholder=(T::DeclineReason.render(l)) aria-label=(T::DeclineReason.render(l));
                    button type="submit" name="action" value="decline" { (T::Decline.render(l)) }
                }
            }
        }
        h2 { (T::OpenJobs.render(l)) }
        @if open.is_empty() { p.muted { (T::Nothing.render(l)) } } @else {
            table {
                thead { tr {
                    th { "#" } th { (T::Title.render(l)) } th { (T::Budget.render(l)) }
                    th { (T::Deadline.render(l)) } th { (T::Client.render(l)) } th.num { (T::Applicants.render(l)) }
                } }
                tbody {
                    @for j in &open {
                        tr {
                            td { (j.id) } td { (j.title) } td { (budget(j.budget_min, j.budget_max)) }
                            td { (j.deadline) } td { (j.client_platform) ":" (j.client_user) }
                            td.num { (j.applicants) }
                        }
                    }
                }
            }
        }
    };
    layout::page(a, T::NavJobs.render(l), body).into_response()
}
