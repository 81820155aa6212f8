//! `GET|POST /webhooks/wecom` (docs/platforms/wecom.md §3): URL verification and encrypted
//! callbacks. The signature is checked before anything else is done with the request;
//! a refused request has no side effect. Accepted callbacks get an empty 200 within the
//! 5 s WeCom waits; handling that takes longer goes on in the background. After a card
//! click has had its effect the card is relabelled with who decided (`CardUpdate`); a
//! customer-group change makes `Invites` read the group back to confirm joins.

use super::api::WecomApi;
use super::callback::{parse_callback, Body, Callback, Event};
use super::config::WecomConfig;
use super::crypto::{CryptoError, WxCrypt};
use super::inbound::from_callback;
use super::invite::Invites;
use super::kf::KfPuller;
use super::xml::parse_envelope;
use crate::common::config::set;
use crate::common::SetupError;
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
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ports::{CoreError, EventSink};
use yunqi_bot::Locale;

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
    api: Option<Arc<WecomApi>>,
    invites: Option<Arc<Invites>>,
    ack_budget: Duration,
    max_skew: Option<Duration>,
}

impl WecomState {
    pub fn new(crypt: WxCrypt, sink: Arc<dyn EventSink>) -> WecomState {
        WecomState {
            crypt: Arc::new(crypt),
            sink,
            kf: None,
            api: None,
            invites: None,
            ack_budget: ACK_BUDGET,
            max_skew: Some(MAX_CLOCK_SKEW),
        }
    }

    /// The callback crypto from `token`, `encoding_aes_key` and `corp_id` (the receiveid).
    pub fn from_config(
        cfg: &WecomConfig,
        sink: Arc<dyn EventSink>,
    ) -> Result<WecomState, SetupError> {
        fn get<'a>(v: &'a Option<String>, key: &'static str) -> Result<&'a str, SetupError> {
            set(v).ok_or(SetupError::Missing(key))
        }
        let crypt = WxCrypt::new(
            get(&cfg.token, "wecom.token")?,
            get(&cfg.encoding_aes_key, "wecom.encoding_aes_key")?,
            get(&cfg.corp_id, "wecom.corp_id")?,
        )
        .map_err(|e| SetupError::Invalid {
            key: "wecom.encoding_aes_key",
            error: e.to_string(),
        })?;
        Ok(WecomState::new(crypt, sink))
    }

    /// Pull 微信客服 messages when a `kf_msg_or_event` arrives.
    pub fn with_kf(mut self, puller: Arc<KfPuller>) -> WecomState {
        self.kf = Some(puller);
        self
    }

    /// Update a clicked card (who decided) through the API after the click is handled.
    pub fn with_api(mut self, api: Arc<WecomApi>) -> WecomState {
        self.api = Some(api);
        self
    }

    /// Confirm customer-group joins on `change_external_chat`.
    pub fn with_invites(mut self, invites: Arc<Invites>) -> WecomState {
        self.invites = Some(invites);
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
    if let Body::Event(Event::ChangeExternalChat {
        chat_id,
        change_type,
        update_detail,
        ..
    }) = &cb.body
    {
        let joined = change_type == "update" && update_detail.as_deref() == Some("add_member");
        if let (true, Some(invites)) = (joined, st.invites.clone()) {
            let (sink, chat_id) = (st.sink.clone(), chat_id.clone());
            // a trigger only: the member list is read back (wechat-kf.md §4.4)
            tokio::spawn(async move {
                match invites.confirm_joins(&chat_id, sink.as_ref()).await {
                    Ok(n) => tracing::debug!(chat_id, joins = n, "customer group read"),
                    Err(e) => tracing::warn!(chat_id, error = %e, "customer group not read"),
                }
            });
        }
        return StatusCode::OK.into_response();
    }
    let Some(ev) = from_callback(&cb) else {
        tracing::debug!(?cb.body, "wecom callback with nothing for the core");
        return StatusCode::OK.into_response();
    };
    let card = CardUpdate::of(&cb).zip(st.api.clone());
    submit(&st, ev, card).await
}

/// Relabels a clicked card's buttons for the clicker with who decided what (form A of
/// docs/platforms/wecom.md §4.4), using the click's own single-use `ResponseCode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardUpdate {
    pub user: String,
    pub response_code: String,
    pub replace_name: String,
}

impl CardUpdate {
    pub fn of(cb: &Callback) -> Option<CardUpdate> {
        let Body::Event(Event::TemplateCard {
            event_key,
            response_code: Some(code),
            menu: false,
            ..
        }) = &cb.body
        else {
            return None;
        };
        let user = cb.from_user_name.clone().filter(|u| !u.is_empty())?;
        Some(CardUpdate {
            replace_name: replace_name(event_key, &user),
            user,
            response_code: code.clone(),
        })
    }

    async fn apply(self, api: Arc<WecomApi>) {
        let users = [self.user.clone()];
        if let Err(e) = api
            .update_card_button(&users, &self.response_code, &self.replace_name)
            .await
        {
            tracing::warn!(error = %e, "clicked card not updated");
        }
    }
}

/// `已批准 · lisi` for an approve button, and so on.
pub fn replace_name(event_key: &str, user: &str) -> String {
    let cmd = event_key
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_lowercase();
    let done = match cmd.as_str() {
        "approve" | "批准" | "通过" => PlatformMsg::CardApproved,
        "reject" | "拒绝" => PlatformMsg::CardRejected,
        _ => PlatformMsg::CardHandled,
    };
    // A clicked card is relabelled in the default language, as it was sent.
    let done = done.render(Locale::default());
    let who: String = user.chars().take(24).collect();
    format!("{done} · {who}")
}

/// Submits and answers by the outcome, or answers 200 when the budget runs out first. A
/// clicked card is updated once the click has had an effect (a replayed click has none).
async fn submit(
    st: &WecomState,
    ev: yunqi_bot::Inbound,
    card: Option<(CardUpdate, Arc<WecomApi>)>,
) -> Response {
    let sink = st.sink.clone();
    let task = tokio::spawn(async move {
        let r = sink.submit_event(ev).await;
        if let (Ok(h), Some((card, api))) = (&r, card) {
            if !h.duplicate {
                tokio::spawn(card.apply(api));
            }
        }
        r
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_click_names_the_decision_and_who_made_it() {
        assert_eq!(
            replace_name("/approve 1 wechat:wm1", "lisi"),
            "已批准 · lisi"
        );
        assert_eq!(replace_name("/拒绝 1 wecom:zhang", "lisi"), "已拒绝 · lisi");
        assert_eq!(
            replace_name("/approve 1 all", &"x".repeat(40)),
            format!("已批准 · {}", "x".repeat(24))
        );
        assert_eq!(replace_name("/confirm 1", "lisi"), "已处理 · lisi");
    }

    #[test]
    fn only_a_button_click_with_a_response_code_updates_a_card() {
        let click = |extra: &str| {
            parse_callback(&format!("<xml><FromUserName>lisi</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event><EventKey>/approve 1 wecom:z</EventKey><TaskId>t1</TaskId>{extra}</xml>")).unwrap()
        };
        let u = CardUpdate::of(&click("<ResponseCode>RC</ResponseCode>")).unwrap();
        assert_eq!((u.user.as_str(), u.response_code.as_str()), ("lisi", "RC"));
        assert_eq!(CardUpdate::of(&click("")), None);
    }
}
