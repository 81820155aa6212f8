//! The page frame: head, navigation, and the stylesheet (embedded in the binary).

use super::lang_q;
use crate::web::auth::Admin;
use axum::response::Html;
use maud::{html, Markup, DOCTYPE};
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::Locale;

fn html_lang(l: Locale) -> &'static str {
    match l {
        Locale::Zh => "zh-CN",
        Locale::En => "en",
    }
}

/// A page without navigation (sign-in, refusals).
pub fn bare(l: Locale, title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang=(html_lang(l)) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    link rel="stylesheet" href="/admin/admin.css";
                }
                body { main { (body) } }
            }
        }
        .into_string(),
    )
}

/// A console page: navigation with the signed-in account, sign-out and language switch.
pub fn page(a: &Admin, title: &str, body: Markup) -> Html<String> {
    let l = a.locale;
    let q = lang_q(l);
    let other = match l {
        Locale::Zh => ("?lang=en", "English"),
        Locale::En => ("?lang=zh", "中文"),
    };
    Html(
        html! {
            (DOCTYPE)
            html lang=(html_lang(l)) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (T::ConsoleTitle.render(l)) }
                    link rel="stylesheet" href="/admin/admin.css";
                }
                body {
                    nav {
                        a.brand href={ "/admin?" (q) } { (T::ConsoleTitle.render(l)) }
                        a href={ "/admin?" (q) } { (T::NavOverview.render(l)) }
                        @if a.roles.operator { a href={ "/admin/jobs?" (q) } { (T::NavJobs.render(l)) } }
                        span.spacer {}
                        span.who { (a.user.to_string()) }
                        a href=(other.0) { (other.1) }
                        form method="post" action="/admin/logout" class="inline" {
                            input type="hidden" name="csrf" value=(a.csrf);
                            button type="submit" class="link" { (T::Logout.render(l)) }
                        }
                    }
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}
