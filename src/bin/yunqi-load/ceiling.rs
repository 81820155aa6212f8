//! `--ceiling`: the least every Slack app must do per slash command — the v0 signature
//! (HMAC-SHA256 over `v0:{ts}:{body}`, the timestamp window) with the same `Verifier` the
//! real adapter uses, the form parsed into the same `SlashCommand`, a fixed JSON answer —
//! and nothing else (no dedup, no database). Run in this process on its own multi-thread
//! runtime (as `yunqi serve`'s), it shows what this machine's HTTP and HMAC work allow.

use anyhow::{Context, Result};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header::CONTENT_TYPE, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::sync::Arc;
use tokio::sync::oneshot;
use yunqi_adapters::slack::dto::SlashCommand;
use yunqi_adapters::slack::signature::Verifier;

/// The fixed answer; it carries the approval marker the load checks in yunqi's answers.
pub const ANSWER: &str =
    r#"{"response_type":"ephemeral","text":"报名已通过 / registration approved"}"#;

pub fn router(secret: &str) -> Router {
    Router::new()
        .route(super::PATH, post(command))
        .with_state(Arc::new(Verifier::new(secret)))
}

async fn command(State(v): State<Arc<Verifier>>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |n: &str| headers.get(n).and_then(|h| h.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    let json = [(CONTENT_TYPE, "application/json")];
    let signed = v.verify(
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
        &body,
        now,
    );
    if signed.is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            json,
            r#"{"error":"invalid request"}"#,
        )
            .into_response();
    }
    match serde_urlencoded::from_bytes::<SlashCommand>(&body) {
        Ok(cmd) if !cmd.user_id.is_empty() && !cmd.command.is_empty() => {
            (StatusCode::OK, json, ANSWER).into_response()
        }
        _ => (StatusCode::BAD_REQUEST, json, r#"{"error":"bad request"}"#).into_response(),
    }
}

/// The ceiling server, running until dropped.
pub struct Ceiling {
    pub port: u16,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ceiling {
    pub fn start(secret: &str) -> Result<Ceiling> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let app = router(secret);
        let (stop, stopped) = oneshot::channel::<()>();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("ceiling runtime")?;
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Ceiling {
            port,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    fn request(ts: &str, sig: &str, body: &str) -> Request<Body> {
        Request::post(super::super::PATH)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", sig)
            .body(Body::from(body.to_string()))
            .expect("request")
    }

    async fn status(req: Request<Body>) -> (StatusCode, String) {
        let r = router("s3cret").oneshot(req).await.expect("answer");
        let status = r.status();
        let body = http_body_util::BodyExt::collect(r.into_body())
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    const BODY: &str = "command=%2Fregister&text=1&user_id=U1&channel_id=C1&trigger_id=t";

    #[tokio::test]
    async fn a_good_signature_gets_the_fixed_answer() {
        let ts = chrono::Utc::now().timestamp().to_string();
        let sig = Verifier::new("s3cret").sign(&ts, BODY.as_bytes());
        let (s, body) = status(request(&ts, &sig, BODY)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body, ANSWER);
        assert!(body.contains(super::super::APPROVED));
    }

    #[tokio::test]
    async fn a_bad_or_stale_signature_is_refused() {
        let ts = chrono::Utc::now().timestamp().to_string();
        let wrong = Verifier::new("other").sign(&ts, BODY.as_bytes());
        assert_eq!(
            status(request(&ts, &wrong, BODY)).await.0,
            StatusCode::UNAUTHORIZED
        );
        // Signed right, but over another body.
        let sig = Verifier::new("s3cret").sign(&ts, BODY.as_bytes());
        let tampered = BODY.replace("U1", "U2");
        assert_eq!(
            status(request(&ts, &sig, &tampered)).await.0,
            StatusCode::UNAUTHORIZED
        );
        // Outside the 5-minute window.
        let old = (chrono::Utc::now().timestamp() - 301).to_string();
        let sig = Verifier::new("s3cret").sign(&old, BODY.as_bytes());
        assert_eq!(
            status(request(&old, &sig, BODY)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn the_server_answers_over_tcp() {
        let c = Ceiling::start(super::super::SECRET).expect("start");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("rt");
        let reqs = super::super::requests(3, c.port);
        let r = rt
            .block_on(tokio::task::LocalSet::new().run_until(super::super::load(
                &[c.port],
                reqs,
                2,
            )))
            .expect("load");
        assert_eq!((r.lat.len(), r.errors), (3, 0));
    }
}
