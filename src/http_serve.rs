//! The HTTP accept loop of `yunqi serve`, with the `[http]` limits: a header read timeout
//! (hyper's, which also ends a keep-alive connection idle between requests), a body read
//! timeout, an idle timeout (no byte either way), and a connection cap. At the cap the
//! connection idle longest outside a request is closed to make room, so a flood of slow
//! clients can neither exhaust file descriptors nor keep `/healthz` out.

use crate::conn_registry::{Registry, Slot};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Largest request body read (axum's own default limit for its extractors).
const MAX_BODY: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `stop` turns true, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let router = router.layer(axum::middleware::from_fn_with_state(
        limits.body_timeout,
        body_deadline,
    ));
    let registry = Arc::new(Registry::default());
    let mut conns = JoinSet::new();
    while !*stop.borrow() {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stop.changed() => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Out of descriptors (EMFILE) or a connection reset before accept: wait
                // a moment instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while conns.try_join_next().is_some() {}
        registry.make_room(limits.max_connections);
        let slot = registry.register();
        conns.spawn(connection(tcp, router.clone(), limits, slot, stop.clone()));
    }
    while conns.join_next().await.is_some() {}
}

async fn connection(
    tcp: TcpStream,
    router: Router,
    limits: Limits,
    slot: Slot,
    mut stop: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    let io = TokioIo::new(slot.watch(tcp));
    let (started, done) = (slot.clone(), slot.clone());
    let service = TowerToHyperService::new(
        router
            .map_request(move |r: Request<Incoming>| {
                started.request_started();
                r.map(Body::new)
            })
            .map_response(move |r: Response| {
                done.request_done();
                r
            }),
    );
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let check_every = (limits.idle_timeout / 4).max(Duration::from_millis(50));
    let mut tick = tokio::time::interval(check_every);
    let mut stopping = false;
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "http connection ended");
                }
                return;
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = slot.evicted() => return,
            _ = tick.tick() => {
                if slot.idle_for() >= limits.idle_timeout {
                    tracing::debug!("http connection idle: closed");
                    return;
                }
            }
        }
    }
}

/// The whole body must arrive within `limit` (408 otherwise), so a client dribbling bytes
/// cannot hold a connection and a handler.
async fn body_deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_BODY)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => (StatusCode::PAYLOAD_TOO_LARGE, "request body refused").into_response(),
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "request body too slow").into_response(),
    }
}
