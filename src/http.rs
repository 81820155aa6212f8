//! The HTTP surface: health, metrics, and the adapters' webhook routes.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use yunqi_bot::health::WriteHealth;
use yunqi_storage::AppStore;

#[derive(Clone)]
pub struct HttpState<S> {
    pub store: Arc<S>,
    /// The writer's last write outcome (`Core::health`).
    pub health: Arc<WriteHealth>,
}

/// Health and metrics, merged with the adapters' webhook routes.
pub fn router<S: AppStore>(state: HttpState<S>, adapters: Router) -> Router {
    Router::new()
        .route("/healthz", get(healthz::<S>))
        .route("/metrics", get(metrics::<S>))
        .with_state(state)
        .merge(adapters)
}

/// 503 while writes fail (a full disk), not only when the database cannot be read.
async fn healthz<S: AppStore>(State(s): State<HttpState<S>>) -> (StatusCode, String) {
    if let Err(reason) = s.health.status() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database writes failing: {reason}"),
        );
    }
    match sqlx_ping(s.store.as_ref()).await {
        true => (StatusCode::OK, "ok".into()),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable".into(),
        ),
    }
}

async fn sqlx_ping<S: AppStore>(store: &S) -> bool {
    store.kv_get("health").await.is_ok()
}

async fn metrics<S: AppStore>(State(s): State<HttpState<S>>) -> impl IntoResponse {
    let mut body = yunqi_bot::metrics::METRICS.render();
    body.push_str(&crate::metrics::render(s.store.as_ref()).await);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
