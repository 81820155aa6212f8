//! Prometheus metrics through the `metrics` facade: the recorder is installed once per
//! process; the domain records with the facade's macros (no I/O), the composition root
//! adds HTTP requests and the outbox backlog, and `/metrics` renders both these and the
//! core's own counters (`yunqi_bot::metrics`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use yunqi_storage::AppStore;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Seconds: commit latency from a fraction of a millisecond (page cache) to seconds (fsync
/// on a slow disk).
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// Events per group commit, up to the writer's 512.
const GROUP: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// Installs the recorder (the first call in a process; later calls share it).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full("yunqi_writer_group_size".into()), GROUP)
                })
                .and_then(|b| b.install_recorder());
            match built {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// The exporter's text, with the outbox backlog gauge read now.
pub async fn render<S: AppStore>(store: &S) -> String {
    let Some(h) = handle() else {
        return String::new();
    };
    if let Ok(backlog) = store.outbox_backlog(chrono::Utc::now()).await {
        for p in ["console", "wecom", "slack", "telegram", "discord"] {
            let pending = backlog
                .iter()
                .find(|b| b.platform == p)
                .map(|b| b.pending)
                .unwrap_or(0);
            metrics::gauge!("yunqi_outbox_backlog", "platform" => p).set(pending as f64);
        }
    }
    h.run_upkeep();
    h.render()
}

/// Counts requests by route and status. The label is the route's template
/// (`/admin/salons/{id}`), so a salon id or a scanned URL never becomes a series of its
/// own; anything that matched no route counts as `unmatched`.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let res = next.run(req).await;
    let status = res.status();
    metrics::counter!(
        "yunqi_http_requests_total",
        "route" => route,
        "status" => status.as_u16().to_string()
    )
    .increment(1);
    res
}
