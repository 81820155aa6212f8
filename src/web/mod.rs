//! The organizer web console (`/admin`): server-rendered pages on the HTTP port of
//! `yunqi serve`. Identity comes from chat (`/dashboard` sends a one-time link); every
//! action is the organizer's own chat command submitted to the core (`act.rs`), so the
//! rules, notifications and audit are the chat command's. Reads come straight from the
//! store's console queries; no SQL here.

mod act;
mod auth;
mod export;
mod pages;

use crate::app::App;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use yunqi_bot::ports::Clock;
use yunqi_bot::runtime::Core;
use yunqi_bot::Engine;
use yunqi_storage::AppStore;

pub use auth::{Admin, SESSION_COOKIE};

#[derive(Clone)]
pub struct WebState<S: AppStore> {
    pub core: Core<S>,
    pub store: Arc<S>,
    /// Checks a signed-in user's roles on every request (the chat rules, not a copy).
    pub engine: Arc<Engine>,
    pub clock: Arc<dyn Clock>,
    /// `public_url` is https: the session cookie is `Secure`.
    pub secure_cookie: bool,
}

impl<S: AppStore> WebState<S> {
    pub fn new(app: &App<S>) -> anyhow::Result<WebState<S>> {
        Ok(WebState {
            core: app.core.clone(),
            store: app.store.clone(),
            engine: Arc::new(Engine::new(app.settings.engine_config()?)),
            clock: app.clock.clone(),
            secure_cookie: app.settings.http.public_url.starts_with("https://"),
        })
    }
}

/// Every `/admin` route, each response carrying the console's security headers.
pub fn router<S: AppStore>(state: WebState<S>) -> Router {
    Router::new()
        .route("/admin", get(pages::overview::page::<S>))
        .route("/admin/login", get(auth::login_page).post(auth::login::<S>))
        .route(
            "/admin/logout",
            get(auth::logout::<S>).post(auth::logout::<S>),
        )
        .route("/admin/admin.css", get(css))
        .route(
            "/admin/salons/new",
            get(pages::salon_form::new_page).post(pages::salon_form::create::<S>),
        )
        .route("/admin/salons/{id}", get(pages::salon::page::<S>))
        .route(
            "/admin/salons/{id}/edit",
            get(pages::salon_form::edit_page).post(pages::salon_form::edit::<S>),
        )
        .route(
            "/admin/salons/{id}/act",
            axum::routing::post(act::salon::<S>),
        )
        .route("/admin/salons/{id}/door", get(pages::door::page::<S>))
        .route("/admin/salons/{id}/export.csv", get(export::salon_csv::<S>))
        .route(
            "/admin/salons/{id}/export.xlsx",
            get(export::salon_xlsx::<S>),
        )
        .route("/admin/jobs", get(pages::jobs::page::<S>))
        .route("/admin/jobs/act", axum::routing::post(act::jobs::<S>))
        .route("/admin/jobs/export.csv", get(export::jobs_csv::<S>))
        .route("/admin/{*rest}", get(pages::not_found))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// No caching of personal data, no framing, nothing loaded from anywhere but here.
async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/admin.css"),
    )
}
