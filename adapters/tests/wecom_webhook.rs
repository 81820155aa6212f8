//! `/webhooks/wecom` through the router with `oneshot`: verification, callbacks, refusals.
#![cfg(feature = "wecom")]

use crate::config::wecom as fake;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use fake::CORP;
use http_body_util::BodyExt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use testkit::Sink;
use tower::ServiceExt;
use yunqi_adapters::wecom::{routes, WecomState, WxCrypt};
use yunqi_bot::{EventKind, Platform, UserRef};

const TOKEN: &str = "RustBotToken2024";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("test took too long")
}

fn crypt() -> WxCrypt {
    WxCrypt::new(TOKEN, KEY, CORP).unwrap()
}

fn setup() -> (Router, Arc<Sink>, WecomState) {
    let sink = Arc::new(Sink::default());
    let state = WecomState::new(crypt(), sink.clone());
    (routes(state.clone()), sink, state)
}

fn now() -> String {
    chrono::Utc::now().timestamp().to_string()
}

/// A POST exactly as WeCom sends it: encrypted inner XML, signed query.
fn signed_post(inner: &str, ts: &str) -> Request<Body> {
    let c = crypt();
    let enc = c.encrypt(inner);
    let sig = c.signature(ts, "1372623149", &enc);
    post(
        &format!("msg_signature={sig}&timestamp={ts}&nonce=1372623149"),
        envelope(&enc),
    )
}

fn envelope(enc: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>")
}

fn post(query: &str, body: String) -> Request<Body> {
    Request::post(format!("/webhooks/wecom?{query}"))
        .header("content-type", "text/xml")
        .body(Body::from(body))
        .unwrap()
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn text_msg(content: &str, msg_id: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
}

#[tokio::test]
async fn url_verification_answers_the_decrypted_echostr_as_plain_text() {
    bounded(async {
        // vector D1 of docs/platforms/wecom.md §9.2, as it arrives on the wire
        let c = WxCrypt::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7").unwrap();
        let app = routes(WecomState::new(c, Arc::new(Sink::default())));
        let q = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780";
        let echo = "P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
        let get = |e: &str| Request::get(format!("/webhooks/wecom?{q}&echostr={e}")).body(Body::empty()).unwrap();
        assert_eq!(send(&app, get(echo)).await, (StatusCode::OK, "1616140317555161061".into()));
        // a '+' left unencoded decodes to a space; it is put back
        let raw_plus = echo.replace("%2B", "+");
        assert_eq!(send(&app, get(&raw_plus)).await, (StatusCode::OK, "1616140317555161061".into()));
        let forged = Request::get(format!("/webhooks/wecom?msg_signature={}&timestamp=1409659589&nonce=263014780&echostr={echo}", "0".repeat(40))).body(Body::empty()).unwrap();
        assert_eq!(send(&app, forged).await.0, StatusCode::UNAUTHORIZED);
    })
    .await
}

#[tokio::test]
async fn a_valid_encrypted_callback_reaches_the_sink_and_gets_an_empty_200() {
    bounded(async {
        let (app, sink, _) = setup();
        let (status, body) = send(
            &app,
            signed_post(&text_msg("/salons", "7000000000000000001"), &now()),
        )
        .await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, ""));
        let evs = sink.events();
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].user, UserRef::new(Platform::Wecom, "zhangsan"));
        assert_eq!(evs[0].kind, EventKind::Text("/salons".into()));
        assert_eq!(evs[0].event_id.as_deref(), Some("7000000000000000001"));
    })
    .await
}

#[tokio::test]
async fn a_card_click_arrives_as_a_button_press_with_its_command() {
    bounded(async {
        let (app, sink, _) = setup();
        let click = format!("<xml><ToUserName>{CORP}</ToUserName><FromUserName>lisi</FromUserName><CreateTime>1700000001</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event><EventKey><![CDATA[/approve 1 alice]]></EventKey><TaskId>yq-1</TaskId><CardType>button_interaction</CardType><ResponseCode>rc</ResponseCode><AgentID>1000002</AgentID></xml>");
        assert_eq!(send(&app, signed_post(&click, &now())).await.0, StatusCode::OK);
        let evs = sink.events();
        assert_eq!(evs[0].kind, EventKind::Button("/approve 1 alice".into()));
        assert_eq!(evs[0].user, UserRef::new(Platform::Wecom, "lisi"));
    })
    .await
}

#[tokio::test]
async fn a_forged_signature_is_401_and_the_sink_sees_nothing() {
    bounded(async {
        let (app, sink, _) = setup();
        let enc = crypt().encrypt(&text_msg("hi", "1"));
        let forged = crypt().signature("1", "2", "something else");
        let (status, body) = send(
            &app,
            post(
                &format!("msg_signature={forged}&timestamp={}&nonce=1", now()),
                envelope(&enc),
            ),
        )
        .await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, "unauthorized")
        );
        let other = WxCrypt::new("another-token", KEY, CORP).unwrap();
        let sig = other.signature(&now(), "1", &enc);
        assert_eq!(
            send(
                &app,
                post(
                    &format!("msg_signature={sig}&timestamp={}&nonce=1", now()),
                    envelope(&enc)
                )
            )
            .await
            .0,
            StatusCode::UNAUTHORIZED
        );
        assert!(sink.events().is_empty());
    })
    .await
}

#[tokio::test]
async fn malformed_or_undecryptable_requests_are_400_without_side_effects() {
    bounded(async {
        let (app, sink, _) = setup();
        let ts = now();
        let q = |enc: &str| {
            format!(
                "msg_signature={}&timestamp={ts}&nonce=1",
                crypt().signature(&ts, "1", enc)
            )
        };
        // not XML at all
        assert_eq!(
            send(&app, post(&q("x"), "not xml".into())).await,
            (StatusCode::BAD_REQUEST, "bad request".into())
        );
        // no Encrypt element
        assert_eq!(
            send(
                &app,
                post(&q("x"), "<xml><ToUserName>x</ToUserName></xml>".into())
            )
            .await
            .0,
            StatusCode::BAD_REQUEST
        );
        // query parameters missing
        assert_eq!(
            send(&app, post("timestamp=1", envelope("abc"))).await.0,
            StatusCode::BAD_REQUEST
        );
        // signed, but the ciphertext is garbage
        assert_eq!(
            send(&app, post(&q("AAAA"), envelope("AAAA"))).await.0,
            StatusCode::BAD_REQUEST
        );
        // signed and decryptable, but meant for another corp
        let foreign = WxCrypt::new(TOKEN, KEY, "wwSOMEONEELSE")
            .unwrap()
            .encrypt(&text_msg("hi", "1"));
        assert_eq!(
            send(&app, post(&q(&foreign), envelope(&foreign))).await.0,
            StatusCode::BAD_REQUEST
        );
        // signed and decryptable, but the inner XML is broken
        assert_eq!(
            send(&app, signed_post("<xml><MsgType>text", &ts)).await.0,
            StatusCode::BAD_REQUEST
        );
        // body is not UTF-8
        let bytes = Request::post(format!("/webhooks/wecom?{}", q("x")))
            .body(Body::from(vec![0xff, 0xfe]))
            .unwrap();
        assert_eq!(send(&app, bytes).await.0, StatusCode::BAD_REQUEST);
        assert!(sink.events().is_empty());
    })
    .await
}

#[tokio::test]
async fn a_replayed_callback_yields_the_same_event_id_for_the_core_to_dedupe() {
    bounded(async {
        let (app, sink, _) = setup();
        let ts = now();
        let c = crypt();
        let enc = c.encrypt(&text_msg("/register 1", "42"));
        let q = format!(
            "msg_signature={}&timestamp={ts}&nonce=9",
            c.signature(&ts, "9", &enc)
        );
        for _ in 0..2 {
            assert_eq!(send(&app, post(&q, envelope(&enc))).await.0, StatusCode::OK);
        }
        let ids: Vec<_> = sink.events().into_iter().map(|e| e.event_id).collect();
        assert_eq!(ids, vec![Some("42".to_string()), Some("42".to_string())]);
    })
    .await
}

#[tokio::test]
async fn only_an_extreme_clock_skew_is_refused() {
    bounded(async {
        let (app, sink, state) = setup();
        let hours_ago = |h: i64| (chrono::Utc::now().timestamp() - h * 3600).to_string();
        assert_eq!(
            send(&app, signed_post(&text_msg("hi", "1"), &hours_ago(2)))
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(
            send(&app, signed_post(&text_msg("hi", "2"), &hours_ago(48)))
                .await
                .0,
            StatusCode::BAD_REQUEST
        );
        let lenient = routes(state.with_max_clock_skew(None));
        assert_eq!(
            send(&lenient, signed_post(&text_msg("hi", "3"), "1409659813"))
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(sink.events().len(), 2);
    })
    .await
}

#[tokio::test]
async fn a_slow_core_does_not_hold_the_answer_past_the_ack_budget() {
    bounded(async {
        let sink = Arc::new(Sink::default());
        *sink.delay.lock().unwrap() = Some(Duration::from_millis(1500));
        let app = routes(
            WecomState::new(crypt(), sink.clone()).with_ack_budget(Duration::from_millis(100)),
        );
        let started = Instant::now();
        assert_eq!(
            send(&app, signed_post(&text_msg("hi", "1"), &now()))
                .await
                .0,
            StatusCode::OK
        );
        assert!(
            started.elapsed() < Duration::from_millis(1000),
            "answered before the core finished"
        );
        assert_eq!(
            sink.wait_for(1).await.len(),
            1,
            "the event still reaches the core"
        );
    })
    .await
}

#[tokio::test]
async fn build_wires_the_routes_and_both_outbounds_from_a_complete_config() {
    bounded(async {
        let (_fake, cfg) = fake::start().await;
        let sink = Arc::new(Sink::default());
        let kv = Arc::new(testkit::MemKv::default());
        let w = yunqi_adapters::wecom::parts(&cfg, sink.clone(), kv.clone(), vec![]).unwrap();
        assert_eq!(
            yunqi_bot::ports::Outbound::platform(&w.app),
            Platform::Wecom
        );
        let kf = w.kf.as_ref().expect("kf_open_kfid is set");
        assert_eq!(yunqi_bot::ports::Outbound::platform(kf), Platform::Wechat);
        let app = routes(w.state.clone());
        assert_eq!(
            send(&app, signed_post(&text_msg("/help", "9"), &now()))
                .await
                .0,
            StatusCode::OK
        );
        assert_eq!(sink.events().len(), 1);

        let mut no_kf = cfg.clone();
        no_kf.kf_open_kfid = None;
        assert!(
            yunqi_adapters::wecom::parts(&no_kf, sink.clone(), kv.clone(), vec![])
                .unwrap()
                .kf
                .is_none()
        );
        let mut missing = cfg.clone();
        missing.token = None;
        let err = yunqi_adapters::wecom::parts(&missing, sink, kv, vec![])
            .err()
            .map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("wecom.token is not set"));
    })
    .await
}
