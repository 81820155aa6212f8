//! `/readyz`: whether this instance can do its work, with the detail an operator looks at
//! first — the database, each configured adapter's latest deliveries, the outbox backlog.
//! 503 while the database cannot be read or written. `/healthz` stays the liveness check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use yunqi_bot::health::WriteHealth;
use yunqi_bot::ports::Clock;
use yunqi_bot::runtime::DeliveryLog;
use yunqi_bot::Platform;
use yunqi_storage::AppStore;

#[derive(Clone)]
pub struct ReadyState<S> {
    pub store: Arc<S>,
    pub health: Arc<WriteHealth>,
    pub deliveries: Arc<DeliveryLog>,
    pub clock: Arc<dyn Clock>,
    /// The platforms with a sending lane (configured adapters, the attached console).
    pub lanes: Vec<Platform>,
}

pub fn router<S: AppStore>(state: ReadyState<S>) -> Router {
    Router::new()
        .route("/readyz", get(readyz::<S>))
        .with_state(state)
}

fn iso(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
        .unwrap_or(Value::Null)
}

fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| json!((now - t).num_seconds().max(0)))
        .unwrap_or(Value::Null)
}

async fn readyz<S: AppStore>(State(s): State<ReadyState<S>>) -> (StatusCode, Json<Value>) {
    let now = s.clock.now();
    let writable = s.health.status();
    let backlog = s.store.outbox_backlog(now).await;
    let failed = s.store.outbox_failed_count().await;
    let read_error = match (&backlog, &failed) {
        (Err(e), _) | (_, Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let ready = writable.is_ok() && read_error.is_none();
    let adapters: Vec<Value> = s
        .lanes
        .iter()
        .map(|p| {
            let l = s.deliveries.status(*p);
            json!({
                "platform": p.as_str(),
                "last_success": iso(l.last_success),
                "last_failure": iso(l.last_failure),
                "last_error": l.last_error,
                "sent": l.sent,
                "retried": l.retried,
                "failed": l.failed,
            })
        })
        .collect();
    let backlog = backlog.unwrap_or_default();
    let oldest = backlog.iter().filter_map(|b| b.oldest_due).min();
    let body = json!({
        "ready": ready,
        "database": {
            "readable": read_error.is_none(),
            "writable": writable.is_ok(),
            "error": writable.err().or(read_error),
        },
        "adapters": adapters,
        "outbox": {
            "pending": backlog.iter().map(|b| b.pending).sum::<i64>(),
            "due": backlog.iter().map(|b| b.due).sum::<i64>(),
            "oldest_due_age_seconds": age(now, oldest),
            "failed": failed.unwrap_or(0),
            "platforms": backlog.iter().map(|b| json!({
                "platform": b.platform,
                "pending": b.pending,
                "due": b.due,
                "oldest_due_age_seconds": age(now, b.oldest_due),
            })).collect::<Vec<_>>(),
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
