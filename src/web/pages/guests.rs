//! The guest list table: filters, masked phones with a reveal, row and bulk actions.

use super::local;
use crate::web::auth::Admin;
use maud::{html, Markup};
use serde::Deserialize;
use yunqi_bot::i18n::{Msg, WebText as T};
use yunqi_bot::model::RegStatus;
use yunqi_bot::validate::Phone;
use yunqi_bot::Locale;
use yunqi_storage::GuestRow;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filters {
    pub status: Option<String>,
    pub platform: Option<String>,
    pub q: Option<String>,
}

impl Filters {
    fn keep(&self, g: &GuestRow) -> bool {
        fn set(x: &Option<String>) -> Option<&str> {
            x.as_deref().filter(|v| !v.is_empty())
        }
        set(&self.status).is_none_or(|st| g.status == st)
            && set(&self.platform).is_none_or(|p| g.platform == p)
            && set(&self.q).is_none_or(|q| {
                let q = q.trim().to_lowercase();
                g.name.as_deref().unwrap_or("").to_lowercase().contains(&q)
                    || g.user_id.to_lowercase().contains(&q)
            })
    }

    pub fn apply<'g>(&self, rows: &'g [GuestRow]) -> Vec<&'g GuestRow> {
        rows.iter().filter(|g| self.keep(g)).collect()
    }
}

pub fn status_label(status: &str, l: Locale) -> String {
    match RegStatus::parse(status) {
        Some(st) => Msg::StatusName(st).render(l),
        None => status.to_string(),
    }
}

/// `138****0000`; everything hidden when the stored value is not a phone we know.
pub fn masked(phone: &str) -> String {
    match Phone::parse(phone) {
        Ok(p) => p.masked(),
        Err(_) => "*".repeat(phone.chars().count()),
    }
}

pub fn can_approve(status: &str) -> bool {
    matches!(status, "pending" | "waitlisted" | "rejected")
}
pub fn can_reject(status: &str) -> bool {
    matches!(status, "pending" | "approved" | "waitlisted" | "offered")
}
pub fn can_check_in(status: &str) -> bool {
    status == "approved"
}

/// Row buttons: `row=<action>|<account>` in the page's one form.
pub fn row_buttons(g: &GuestRow, l: Locale) -> Markup {
    let who = g.account();
    html! {
        @if can_approve(&g.status) {
            button type="submit" name="row" value={ "approve|" (who) } class="approve" { (T::Approve.render(l)) }
        }
        @if can_check_in(&g.status) {
            button type="submit" name="row" value={ "checkin|" (who) } class="checkin" { (T::CheckIn.render(l)) }
        }
        @if can_reject(&g.status) {
            button type="submit" name="row" value={ "reject|" (who) } class="reject" formnovalidate { (T::Reject.render(l)) }
        }
    }
}

pub fn table(a: &Admin, rows: &[&GuestRow], tz: &str) -> Markup {
    let l = a.locale;
    html! {
        table.guests {
            thead { tr {
                th { span.sr { (T::Select.render(l)) } }
                th { (T::Name.render(l)) } th { (T::Phone.render(l)) }
                th { (T::Position.render(l)) } th.num { (T::Years.render(l)) }
                th { (T::Status.render(l)) } th { (T::Platform.render(l)) }
                th { (T::RegisteredAt.render(l)) } th.num { (T::NoShows.render(l)) }
                th { (T::Actions.render(l)) }
            } }
            tbody {
                @for g in rows {
                    tr data-user=(g.account()) data-status=(g.status) {
                        td { input type="checkbox" name="u" value=(g.account()) aria-label=(g.account()); }
                        td.name { (g.name.as_deref().unwrap_or(&g.user_id)) }
                        td.phone {
                            @if let Some(p) = g.phone.as_deref().filter(|p| !p.is_empty()) {
                                details { summary { (masked(p)) } span.revealed { (p) } }
                            }
                        }
                        td { (g.position.as_deref().unwrap_or("")) }
                        td.num { @if let Some(y) = g.years { (y) } }
                        td { span.status.(g.status) { (status_label(&g.status, l)) } }
                        td { (g.platform) }
                        td { (local(g.registered_at(), tz)) }
                        td.num.(if g.no_shows > 0 { "warn" } else { "" }) { (g.no_shows) }
                        td.actions { (row_buttons(g, l)) }
                    }
                }
            }
        }
    }
}
