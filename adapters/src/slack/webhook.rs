//! Slack over HTTP: the Events API, slash commands and interactivity. Every request is
//! verified over its raw body before anything is decoded; a bad one has no effect.

use super::dto::{Envelope, Interaction, InteractiveForm, SlashCommand};
use super::form::is_utf8_form;
use super::handle::{self, Answer};
use super::state::SlackState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

pub const EVENTS_PATH: &str = "/webhooks/slack/events";
pub const COMMANDS_PATH: &str = "/webhooks/slack/commands";
pub const INTERACTIVE_PATH: &str = "/webhooks/slack/interactive";

const TIMESTAMP: &str = "x-slack-request-timestamp";
const SIGNATURE: &str = "x-slack-signature";

pub fn routes(state: SlackState) -> Router {
    Router::new()
        .route(EVENTS_PATH, post(events))
        .route(COMMANDS_PATH, post(commands))
        .route(INTERACTIVE_PATH, post(interactive))
        .with_state(state)
}

fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

fn to_response(a: Answer) -> Response {
    match a {
        Answer::Empty => Response::new(Body::empty()),
        Answer::Json(body) => json(StatusCode::OK, body),
        Answer::Challenge(c) => json(
            StatusCode::OK,
            serde_json::json!({ "challenge": c }).to_string(),
        ),
        Answer::Retry => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":"try again"}"#,
        ),
        Answer::BadRequest => bad_request(),
    }
}

fn bad_request() -> Response {
    json(StatusCode::BAD_REQUEST, r#"{"error":"bad request"}"#)
}

/// The signature over the raw body; the cause is logged, never told.
fn verified(state: &SlackState, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match state.verify(header(TIMESTAMP), header(SIGNATURE), body) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "slack request refused");
            false
        }
    }
}

/// A signed command or button press seen before within the signature window: answered
/// with an empty 200 and not handled again (a captured request replayed has no effect).
fn replayed(state: &SlackState, headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(sig), Some(ts)) = (header(SIGNATURE), header(TIMESTAMP)) else {
        return false;
    };
    let ts = ts.trim().parse::<i64>().unwrap_or_default();
    if state.first_signed(sig, ts) {
        return false;
    }
    tracing::warn!("slack request replayed within the signature window; ignored");
    true
}

fn unauthorized() -> Response {
    json(StatusCode::UNAUTHORIZED, r#"{"error":"invalid request"}"#)
}

async fn events(State(state): State<SlackState>, headers: HeaderMap, body: Bytes) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized();
    }
    match serde_json::from_slice::<Envelope>(&body) {
        Ok(env) => to_response(handle::events(&state, env).await),
        Err(_) => bad_request(),
    }
}

async fn commands(State(state): State<SlackState>, headers: HeaderMap, body: Bytes) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized();
    }
    // After the signature: a forged request learns nothing about what we decode.
    if !is_utf8_form(&body) {
        return bad_request();
    }
    if replayed(&state, &headers) {
        return json(StatusCode::OK, "");
    }
    match serde_urlencoded::from_bytes::<SlashCommand>(&body) {
        Ok(cmd) => to_response(handle::command(&state, cmd).await),
        Err(_) => bad_request(),
    }
}

async fn interactive(State(state): State<SlackState>, headers: HeaderMap, body: Bytes) -> Response {
    if !verified(&state, &headers, &body) {
        return unauthorized();
    }
    if !is_utf8_form(&body) {
        return bad_request();
    }
    if replayed(&state, &headers) {
        return json(StatusCode::OK, "");
    }
    let parsed = serde_urlencoded::from_bytes::<InteractiveForm>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<Interaction>(&f.payload).ok());
    match parsed {
        Some(i) => to_response(handle::interaction(&state, i).await),
        None => bad_request(),
    }
}
