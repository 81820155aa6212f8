//! The HTTP surface: health, metrics, and the adapters' webhook routes.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use yunqi_storage::SqliteStore;

#[derive(Clone)]
pub struct HttpState {
    pub store: Arc<SqliteStore>,
}

/// Health and metrics, merged with the adapters' webhook routes.
pub fn router(state: HttpState, adapters: Router) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
        .merge(adapters)
}

async fn healthz(State(s): State<HttpState>) -> impl IntoResponse {
    match sqlx_ping(&s.store).await {
        true => (StatusCode::OK, "ok"),
        false => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

async fn sqlx_ping(store: &SqliteStore) -> bool {
    use yunqi_bot::ports::Kv;
    store.kv_get("health").await.is_ok()
}

async fn metrics() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        yunqi_bot::metrics::METRICS.render(),
    )
}
