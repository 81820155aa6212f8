//! The HTTP surface: health, metrics, and the adapters' webhook routes.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use yunqi_bot::health::WriteHealth;
use yunqi_storage::SqliteStore;

#[derive(Clone)]
pub struct HttpState {
    pub store: Arc<SqliteStore>,
    /// The writer's last write outcome (`Core::health`).
    pub health: Arc<WriteHealth>,
}

/// Health and metrics, merged with the adapters' webhook routes.
pub fn router(state: HttpState, adapters: Router) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
        .merge(adapters)
}

/// 503 while writes fail (a full disk), not only when the database cannot be read.
async fn healthz(State(s): State<HttpState>) -> (StatusCode, String) {
    if let Err(reason) = s.health.status() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database writes failing: {reason}"),
        );
    }
    match sqlx_ping(&s.store).await {
        true => (StatusCode::OK, "ok".into()),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable".into(),
        ),
    }
}

async fn sqlx_ping(store: &SqliteStore) -> bool {
    use yunqi_bot::ports::Kv;
    store.kv_get("health").await.is_ok()
}

async fn metrics(State(s): State<HttpState>) -> impl IntoResponse {
    let mut body = yunqi_bot::metrics::METRICS.render();
    body.push_str(&crate::metrics::render(&s.store).await);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
