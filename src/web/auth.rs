//! Sign-in from chat: the one-time link opens a page whose button (a same-site POST)
//! uses the token and sets the session cookie. Link previews in chat apps fetch the GET
//! and so cannot use the token up, and a `SameSite=Strict` cookie set by a same-site
//! POST is sent on the redirect to `/admin`. Every request looks the session up and
//! checks the role again, so a revoked role loses access at the next request.

use super::pages::{layout, message_page};
use super::WebState;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Duration;
use maud::html;
use rand::RngCore;
use serde::Deserialize;
use yunqi_bot::command::Roles;
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::{Locale, UserRef};
use yunqi_storage::AppStore;

pub const SESSION_COOKIE: &str = "yunqi_admin";
const SESSION_HOURS: i64 = 12;

/// A signed-in organizer or operator, checked on this request.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: UserRef,
    pub roles: Roles,
    pub locale: Locale,
    pub csrf: String,
}

impl Admin {
    /// Refuses a POST whose form token is not this session's (403).
    pub fn check_csrf(&self, form: &[(String, String)]) -> Result<(), Refused> {
        let sent = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v);
        match sent {
            Some(v) if same(v.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(Refused(self.locale, T::FormExpired)),
        }
    }

    /// Salons, guest lists and exports hold personal data: organizers only.
    pub fn organizer(&self) -> Result<(), Refused> {
        if self.roles.organizer {
            Ok(())
        } else {
            Err(Refused(self.locale, T::NotAllowed))
        }
    }
}

/// A request the console refuses (403), with the page that says why.
#[derive(Debug, Clone, Copy)]
pub struct Refused(Locale, T);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        refused(StatusCode::FORBIDDEN, self.0, self.1)
    }
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn refused(status: StatusCode, l: Locale, what: T) -> Response {
    (status, message_page(l, T::ConsoleTitle, what, true)).into_response()
}

/// `?lang=en|zh` on any page, else the member's language.
pub fn lang_param(parts: &Parts) -> Option<Locale> {
    let q = parts.uri.query()?;
    q.split('&')
        .filter_map(|kv| kv.strip_prefix("lang="))
        .find_map(Locale::parse)
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(str::to_string)
        })
        .filter(|s| !s.is_empty() && s.len() <= 128)
}

impl<S: AppStore> FromRequestParts<WebState<S>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &WebState<S>) -> Result<Admin, Response> {
        let lang = lang_param(parts);
        let l = lang.unwrap_or_default();
        let now = s.clock.now();
        let Some(sid) = cookie(&parts.headers) else {
            return Err(refused(StatusCode::UNAUTHORIZED, l, T::SignInAgain));
        };
        let session = match s.store.web_session(&sid, now).await {
            Ok(Some(x)) => x,
            Ok(None) => return Err(refused(StatusCode::UNAUTHORIZED, l, T::SignInAgain)),
            Err(e) => return Err(server_error(e)),
        };
        let checked = async {
            let mut tx = s.store.begin().await?;
            let r = s.engine.roles_of(&mut tx, &session.user, now).await;
            use yunqi_bot::ports::Tx;
            tx.rollback().await?;
            r
        }
        .await;
        let (roles, member_locale) = checked.map_err(server_error)?;
        let locale = lang.unwrap_or(member_locale);
        if !roles.operator && !roles.organizer {
            return Err(refused(StatusCode::FORBIDDEN, locale, T::NotAllowed));
        }
        Ok(Admin {
            user: session.user,
            roles,
            locale,
            csrf: session.csrf,
        })
    }
}

pub fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "web console request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
    lang: Option<String>,
}

fn lang_of(q: &Option<String>) -> Locale {
    q.as_deref().and_then(Locale::parse).unwrap_or_default()
}

/// The link from chat: a page with one button that signs in (the token is used by the POST).
pub async fn login_page(Query(q): Query<TokenQuery>) -> Response {
    let l = lang_of(&q.lang);
    let body = html! {
        h1 { (T::ConsoleTitle.render(l)) }
        form method="post" action="/admin/login" class="signin" {
            input type="hidden" name="token" value=(q.token);
            @if let Some(lang) = &q.lang { input type="hidden" name="lang" value=(lang); }
            button type="submit" id="signin" class="primary" { (T::SignIn.render(l)) }
        }
    };
    layout::bare(l, T::ConsoleTitle.render(l), body).into_response()
}

/// Uses the token once; sets the session cookie and goes to `/admin`.
pub async fn login<S: AppStore>(
    State(s): State<WebState<S>>,
    headers: HeaderMap,
    Form(q): Form<TokenQuery>,
) -> Response {
    let l = lang_of(&q.lang);
    if !same_origin(&headers) {
        return refused(StatusCode::FORBIDDEN, l, T::FormExpired);
    }
    let now = s.clock.now();
    let token = q.token.trim();
    let valid_shape =
        (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_hexdigit());
    let sid = random_hex(32);
    let user = if valid_shape {
        match s
            .store
            .web_sign_in(
                token,
                &sid,
                &random_hex(24),
                now,
                Duration::hours(SESSION_HOURS),
            )
            .await
        {
            Ok(u) => u,
            Err(e) => return server_error(e),
        }
    } else {
        None
    };
    let Some(user) = user else {
        return (
            StatusCode::UNAUTHORIZED,
            message_page(l, T::LinkInvalid, T::AskAgain, false),
        )
            .into_response();
    };
    tracing::info!(user = %user, "web console sign-in");
    let secure = if s.secure_cookie { "; Secure" } else { "" };
    let set = format!(
        "{SESSION_COOKIE}={sid}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let to = match q.lang.as_deref().and_then(Locale::parse) {
        Some(Locale::En) => "/admin?lang=en",
        _ => "/admin",
    };
    ([(header::SET_COOKIE, set)], Redirect::to(to)).into_response()
}

/// A browser sends `Origin` on a POST; when it names another site, the form was not ours.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

/// Ends the session (GET or POST) and clears the cookie.
pub async fn logout<S: AppStore>(State(s): State<WebState<S>>, headers: HeaderMap) -> Response {
    if let Some(sid) = cookie(&headers) {
        if let Err(e) = s.store.web_sign_out(&sid).await {
            return server_error(e);
        }
    }
    let clear = format!("{SESSION_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
    (
        [(header::SET_COOKIE, clear)],
        message_page(Locale::default(), T::ConsoleTitle, T::SignedOut, false),
    )
        .into_response()
}
