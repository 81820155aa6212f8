//! `GET|POST /webhooks/wecom` (specs/wecom.md §3): URL verification and encrypted
//! callbacks. The signature is checked before anything else is done with the request;
//! a refused request has no side effect. Accepted callbacks get an empty 200 within the
//! 5 s WeCom waits; handling that takes longer goes on in the background.

use super::callback::{parse_callback, Body, Event};
use super::config::{SetupError, WecomConfig};
use super::crypto::{CryptoError, WxCrypt};
use super::inbound::from_callback;
use super::kf::KfPuller;
use super::xml::parse_envelope;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::runtime::{CoreError, EventSink};

pub const PATH: &str = "/webhooks/wecom";
/// Answer well inside WeCom's 5 s; after this the submit goes on in the background.
const ACK_BUDGET: Duration = Duration::from_secs(3);
/// No replay window is documented; only an extreme skew is refused (§3.3).
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone)]
pub struct WecomState {
    crypt: Arc<WxCrypt>,
    sink: Arc<dyn EventSink>,
    kf: Option<Arc<KfPuller>>,
    ack_budget: Duration,
    max_skew: Option<Duration>,
}

impl WecomState {
    pub fn new(crypt: WxCrypt, sink: Arc<dyn EventSink>) -> WecomState {
        WecomState {
            crypt: Arc::new(crypt),
            sink,
            kf: None,
            ack_budget: ACK_BUDGET,
            max_skew: Some(MAX_CLOCK_SKEW),
        }
    }

    /// The callback crypto from `token`, `encoding_aes_key` and `corp_id` (the receiveid).
    pub fn from_config(
        cfg: &WecomConfig,
        sink: Arc<dyn EventSink>,
    ) -> Result<WecomState, SetupError> {
        fn get<'a>(v: &'a Option<String>, name: &'static str) -> Result<&'a str, SetupError> {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or(SetupError::Missing(name))
        }
        let crypt = WxCrypt::new(
            get(&cfg.token, "token")?,
            get(&cfg.encoding_aes_key, "encoding_aes_key")?,
            get(&cfg.corp_id, "corp_id")?,
        )?;
        Ok(WecomState::new(crypt, sink))
    }

    /// Pull 微信客服 messages when a `kf_msg_or_event` arrives.
    pub fn with_kf(mut self, puller: Arc<KfPuller>) -> WecomState {
        self.kf = Some(puller);
        self
    }

    pub fn with_ack_budget(mut self, budget: Duration) -> WecomState {
        self.ack_budget = budget;
        self
    }

    /// `None`: accept any timestamp (dedupe still applies in the core).
    pub fn with_max_clock_skew(mut self, skew: Option<Duration>) -> WecomState {
        self.max_skew = skew;
        self
    }
}

pub fn routes(state: WecomState) -> Router {
    Router::new()
        .route(PATH, get(verify_url).post(callback))
        .with_state(state)
}

#[derive(Debug, Deserialize)]
struct Sig {
    msg_signature: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    echostr: Option<String>,
}

fn reject(status: StatusCode, why: &str) -> Response {
    tracing::warn!(%status, why, "wecom callback refused");
    let body = if status == StatusCode::UNAUTHORIZED {
        "unauthorized"
    } else {
        "bad request"
    };
    (status, body).into_response()
}

fn crypto_reject(e: CryptoError) -> Response {
    let status = if e == CryptoError::Signature {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    reject(status, &e.to_string())
}

/// The signed query parts, or why they are unusable.
fn parts(
    q: Result<Query<Sig>, QueryRejection>,
) -> Result<(String, String, String, Option<String>), &'static str> {
    let Ok(Query(q)) = q else {
        return Err("unreadable query");
    };
    match (q.msg_signature, q.timestamp, q.nonce) {
        (Some(s), Some(t), Some(n)) => Ok((s, t, n, q.echostr)),
        _ => Err("missing msg_signature, timestamp or nonce"),
    }
}

async fn verify_url(
    State(st): State<WecomState>,
    q: Result<Query<Sig>, QueryRejection>,
) -> Response {
    let (sig, ts, nonce, echo) = match parts(q) {
        Ok(p) => p,
        Err(why) => return reject(StatusCode::BAD_REQUEST, why),
    };
    // base64 has no spaces: a '+' that a decoder turned into one is put back
    let Some(echo) = echo.map(|e| e.replace(' ', "+")) else {
        return reject(StatusCode::BAD_REQUEST, "missing echostr");
    };
    match st.crypt.open(&sig, &ts, &nonce, &echo) {
        Ok(plain) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], plain).into_response(),
        Err(e) => crypto_reject(e),
    }
}

fn too_skewed(ts: &str, max: Option<Duration>) -> bool {
    let Some(max) = max else { return false };
    let Ok(ts) = ts.trim().parse::<i64>() else {
        return true;
    };
    (chrono::Utc::now().timestamp() - ts).unsigned_abs() > max.as_secs()
}

async fn callback(
    State(st): State<WecomState>,
    q: Result<Query<Sig>, QueryRejection>,
    body: Bytes,
) -> Response {
    let (sig, ts, nonce, _) = match parts(q) {
        Ok(p) => p,
        Err(why) => return reject(StatusCode::BAD_REQUEST, why),
    };
    let Ok(body) = std::str::from_utf8(&body) else {
        return reject(StatusCode::BAD_REQUEST, "body is not UTF-8");
    };
    let envelope = match parse_envelope(body) {
        Ok(e) => e,
        Err(e) => return reject(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if let Err(e) = st.crypt.verify(&sig, &ts, &nonce, &envelope.encrypt) {
        return crypto_reject(e);
    }
    if too_skewed(&ts, st.max_skew) {
        return reject(StatusCode::BAD_REQUEST, "timestamp too far from now");
    }
    let plain = match st.crypt.decrypt(&envelope.encrypt) {
        Ok(p) => p.message,
        Err(e) => return crypto_reject(e),
    };
    let cb = match parse_callback(&plain) {
        Ok(cb) => cb,
        Err(e) => return reject(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if let Body::Event(Event::KfMsgOrEvent { token, open_kfid }) = &cb.body {
        match &st.kf {
            Some(kf) => drop(kf.signal(open_kfid, Some(token.clone()))),
            None => tracing::info!(open_kfid, "kf callback ignored: 微信客服 is not configured"),
        }
        return StatusCode::OK.into_response();
    }
    let Some(ev) = from_callback(&cb) else {
        tracing::debug!(?cb.body, "wecom callback with nothing for the core");
        return StatusCode::OK.into_response();
    };
    submit(&st, ev).await
}

/// Submits and answers by the outcome, or answers 200 when the budget runs out first.
async fn submit(st: &WecomState, ev: yunqi_bot::Inbound) -> Response {
    let sink = st.sink.clone();
    let task = tokio::spawn(async move { sink.submit_event(ev).await });
    match tokio::time::timeout(st.ack_budget, task).await {
        Ok(Ok(Ok(_))) => StatusCode::OK.into_response(),
        // the core has apologised to the user; a WeCom retry would only repeat that
        Ok(Ok(Err(CoreError::Failed(e)))) => {
            tracing::warn!(error = %e, "wecom event failed in the core");
            StatusCode::OK.into_response()
        }
        // shutting down: a non-200 makes WeCom deliver it again later
        Ok(Ok(Err(CoreError::Stopped))) => {
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
        Ok(Err(join)) => {
            tracing::error!(error = %join, "wecom submit task died");
            (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
        }
        Err(_) => {
            tracing::info!(
                "wecom event still being handled; acknowledged to meet the 5 s deadline"
            );
            StatusCode::OK.into_response()
        }
    }
}
