//! 微信客服 and customer groups against the fake WeCom: pulling with the durable cursor,
//! welcomes, kf replies, join ways, and the kf callback through the router.
#![cfg(feature = "wecom")]

use crate::config::wecom as fake;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use fake::{Inject, CORP};
use http_body_util::BodyExt;
use serde_json::json;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use testkit::{MemKv, Sink};
use tower::ServiceExt;
use yunqi_adapters::wecom::api_group::JoinWay;
use yunqi_adapters::wecom::kf::{cursor_key, spawn_safety_poll, KfPuller};
use yunqi_adapters::wecom::kf_session::KfSessions;
use yunqi_adapters::wecom::{routes, KfOutbound, WecomApi, WecomState, WxCrypt};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::{Button, ButtonStyle, Recipient};
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::{EventKind, Platform, UserRef};

async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("test took too long")
}

fn fitted(user: &str, text: &str, buttons: Vec<Button>) -> Fitted {
    Fitted {
        to: Recipient::direct(UserRef::new(Platform::Wechat, user)),
        text: text.into(),
        buttons,
        attachment: None,
        thread: None,
        invite: None,
    }
}

fn crypt() -> WxCrypt {
    WxCrypt::new(
        "RustBotToken2024",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        CORP,
    )
    .unwrap()
}

/// A kf callback POST as WeCom sends it.
fn signed_post(inner: &str) -> Request<Body> {
    let (c, ts) = (crypt(), chrono::Utc::now().timestamp().to_string());
    let enc = c.encrypt(inner);
    let sig = c.signature(&ts, "5", &enc);
    let body = format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>");
    Request::post(format!(
        "/webhooks/wecom?msg_signature={sig}&timestamp={ts}&nonce=5"
    ))
    .body(Body::from(body))
    .unwrap()
}

fn button(label: &str, command: &str) -> Button {
    Button {
        label: label.into(),
        command: command.into(),
        style: ButtonStyle::Default,
    }
}

fn kf_page(next: &str, has_more: i64, msgs: serde_json::Value) -> serde_json::Value {
    json!({"errcode": 0, "errmsg": "ok", "next_cursor": next, "has_more": has_more, "msg_list": msgs})
}

fn kf_text(id: &str, content: &str) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    json!({"msgid": id, "open_kfid": "wk1", "external_userid": "wmUser", "send_time": now, "origin": 3, "msgtype": "text", "text": {"content": content}})
}

#[tokio::test]
async fn kf_sync_pages_through_the_cursor_saves_it_and_welcomes_within_the_event() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let now = chrono::Utc::now().timestamp();
        let enter = json!({"msgid": "e1", "send_time": now, "origin": 4, "msgtype": "event", "event": {
            "event_type": "enter_session", "open_kfid": "wk1", "external_userid": "wmUser", "scene": "salon", "scene_param": "ev=42", "welcome_code": "WELCOME1"}});
        let old = json!({"msgid": "old", "open_kfid": "wk1", "external_userid": "wmUser", "send_time": now - 72 * 3600, "origin": 3, "msgtype": "text", "text": {"content": "three days ago"}});
        fake.kf_pages.lock().unwrap().insert(String::new(), kf_page("c1", 1, json!([enter, old, kf_text("m1", "我想报名")])));
        fake.kf_pages.lock().unwrap().insert("c1".into(), kf_page("c2", 0, json!([{"msgid": "m2", "open_kfid": "wk1", "external_userid": "wmUser", "send_time": now, "origin": 3, "msgtype": "text", "text": {"content": "报名", "menu_id": "/register 1"}}])));
        let (sink, kv) = (Arc::new(Sink::default()), Arc::new(MemKv::default()));
        let puller = Arc::new(KfPuller::new(Arc::new(WecomApi::new(&cfg).unwrap()), kv.clone(), sink.clone()));
        puller.signal("wk1", Some("SYNCTOKEN".into())).expect("a new loop").await.unwrap();

        let evs = sink.events();
        let ids: Vec<_> = evs.iter().map(|e| e.event_id.clone().unwrap()).collect();
        assert_eq!(ids, vec!["m1", "m2"], "the 72-hour-old message is not answered");
        assert_eq!(evs[0].user, UserRef::new(Platform::Wechat, "wmUser"));
        assert_eq!(evs[1].kind, EventKind::Button("/register 1".into()));
        assert_eq!(kv.get(&cursor_key("wk1")).as_deref(), Some("c2"));
        let syncs = fake.calls("kf/sync_msg");
        assert_eq!(syncs[0].body, json!({"token": "SYNCTOKEN", "limit": 1000, "open_kfid": "wk1"}));
        assert_eq!(syncs[1].body["cursor"], "c1");
        let welcome = &fake.calls("kf/send_msg_on_event")[0].body;
        assert_eq!(welcome["code"], "WELCOME1");
        assert_eq!(welcome["msgtype"], "msgmenu");

        // the next signal starts from the saved cursor: nothing is handed over twice
        puller.signal("wk1", Some("T2".into())).expect("loop ended, a new one starts").await.unwrap();
        assert_eq!(sink.events().len(), 2);
        assert_eq!(fake.calls("kf/sync_msg")[2].body["cursor"], "c2");
    })
    .await
}

#[tokio::test]
async fn an_expired_sync_token_is_dropped_and_the_pull_goes_on_without_it() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        fake.kf_pages.lock().unwrap().insert(
            String::new(),
            kf_page("c1", 0, json!([kf_text("m1", "hi")])),
        );
        fake.inject(
            "kf/sync_msg",
            Inject::Json(json!({"errcode": 95007, "errmsg": "invalid msg token"})),
        );
        let (sink, kv) = (Arc::new(Sink::default()), Arc::new(MemKv::default()));
        let puller = KfPuller::new(
            Arc::new(WecomApi::new(&cfg).unwrap()),
            kv.clone(),
            sink.clone(),
        );
        assert_eq!(puller.pull("wk1", Some("STALE")).await.unwrap(), 1);
        assert_eq!(fake.calls("kf/sync_msg")[1].body.get("token"), None);
    })
    .await
}

#[tokio::test]
async fn kf_replies_go_through_send_msg_with_menus_for_buttons() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let kf = KfOutbound::new(api, cfg.kf_open_kfid.as_deref()).unwrap();
        assert_eq!(kf.platform(), Platform::Wechat);
        let d = kf
            .deliver(&fitted(
                "wmUser",
                "本周沙龙",
                vec![button("报名", "/register 1")],
            ))
            .await;
        assert!(
            matches!(
                d,
                Delivery::Sent {
                    message_id: Some(_)
                }
            ),
            "{d:?}"
        );
        let body = &fake.calls("kf/send_msg")[0].body;
        assert_eq!(body["touser"], "wmUser");
        assert_eq!(body["open_kfid"], "wk1");
        assert_eq!(body["msgmenu"]["list"][0]["click"]["id"], "/register 1");
        fake.inject(
            "kf/send_msg",
            Inject::Json(json!({"errcode": 95018, "errmsg": "send msg session status invalid"})),
        );
        let d = kf.deliver(&fitted("wmUser", "hi", vec![])).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("95018")),
            "{d:?}"
        );
    })
    .await
}

#[tokio::test]
async fn a_join_way_yields_a_qr_and_the_group_shows_who_joined_by_state() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = WecomApi::new(&cfg).unwrap();
        let id = api
            .add_join_way(&JoinWay::qr(vec!["wr1".into()], "r1234"))
            .await
            .unwrap();
        assert_eq!(id, "cfg1");
        let sent = &fake.calls("externalcontact/groupchat/add_join_way")[0].body;
        assert_eq!(
            sent,
            &json!({"scene": 2, "chat_id_list": ["wr1"], "state": "r1234"})
        );
        let way = api.get_join_way(&id).await.unwrap();
        assert_eq!(
            way.qr_code.as_deref(),
            Some(format!("{}/qr/cfg1.png", fake.base).as_str())
        );
        fake.scan_join_qr(&id, "wmAJ2");
        let group = api.groupchat_get("wr1", true).await.unwrap();
        assert_eq!(
            group.member_with_state("r1234").map(|m| m.userid.as_str()),
            Some("wmAJ2")
        );
        assert!(api.add_join_way(&JoinWay::qr(vec![], "r1")).await.is_err());
        assert_eq!(
            fake.calls("externalcontact/groupchat/add_join_way").len(),
            1,
            "an invalid join way is never sent"
        );
    })
    .await
}

#[tokio::test]
async fn a_kf_callback_pulls_the_messages_and_saves_the_cursor() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let t = chrono::Utc::now().timestamp();
        fake.kf_pages.lock().unwrap().insert(String::new(), serde_json::json!({"errcode": 0, "errmsg": "ok", "next_cursor": "c1", "has_more": 0, "msg_list": [
            {"msgid": "kf1", "open_kfid": "wk1", "external_userid": "wmUser", "send_time": t, "origin": 3, "msgtype": "text", "text": {"content": "我想报名"}}]}));
        let (sink, kv) = (Arc::new(Sink::default()), Arc::new(MemKv::default()));
        let puller = Arc::new(KfPuller::new(Arc::new(WecomApi::new(&cfg).unwrap()), kv.clone(), sink.clone()));
        let app = routes(WecomState::new(crypt(), sink.clone()).with_kf(puller));
        let kf = format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><CreateTime>{t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxn]]></Token><OpenKfId><![CDATA[wk1]]></OpenKfId></xml>");
        let resp = app.oneshot(signed_post(&kf)).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(resp.into_body().collect().await.unwrap().to_bytes().is_empty());
        let evs = sink.wait_for(1).await;
        assert_eq!(evs[0].user, UserRef::new(Platform::Wechat, "wmUser"));
        assert_eq!(evs[0].event_id.as_deref(), Some("kf1"));
        for _ in 0..100 {
            if kv.get(&cursor_key("wk1")).is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(kv.get(&cursor_key("wk1")).as_deref(), Some("c1"));
        assert_eq!(fake.calls("kf/sync_msg")[0].body["token"], "ENCApHxn");
    })
    .await
}

fn sent(d: &Delivery) -> bool {
    matches!(d, Delivery::Sent { .. })
}

#[tokio::test]
async fn kf_replies_keep_to_five_per_user_message_and_to_the_48_hour_window() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let sessions = Arc::new(KfSessions::new(Arc::new(MemKv::default())));
        let kf = KfOutbound::new(api, Some("wk1"))
            .unwrap()
            .with_sessions(sessions.clone());
        let now = chrono::Utc::now().timestamp();
        sessions.user_wrote("wk1", "wmUser", now).await;
        for i in 0..5 {
            let d = kf
                .deliver(&fitted("wmUser", &format!("reply {i}"), vec![]))
                .await;
            assert!(sent(&d), "{i}: {d:?}");
        }
        let d = kf.deliver(&fitted("wmUser", "a sixth", vec![])).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("5 replies")),
            "{d:?}"
        );
        assert_eq!(
            fake.calls("kf/send_msg").len(),
            5,
            "refused without calling WeCom"
        );
        sessions.user_wrote("wk1", "wmUser", now + 1).await;
        assert!(sent(
            &kf.deliver(&fitted("wmUser", "after the user wrote again", vec![]))
                .await
        ));

        sessions.user_wrote("wk1", "wmOld", now - 49 * 3600).await;
        let d = kf.deliver(&fitted("wmOld", "too late", vec![])).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("48 h")),
            "{d:?}"
        );
        assert_eq!(fake.calls("kf/send_msg").len(), 6);

        // WeCom's own refusal is remembered: the next message is refused here
        sessions.user_wrote("wk1", "wmB", now).await;
        fake.inject(
            "kf/send_msg",
            Inject::Json(json!({"errcode": 95001, "errmsg": "over the limit"})),
        );
        let d = kf.deliver(&fitted("wmB", "one", vec![])).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("95001")),
            "{d:?}"
        );
        let d = kf.deliver(&fitted("wmB", "two", vec![])).await;
        assert!(
            matches!(&d, Delivery::Failed { error } if error.contains("5 replies")),
            "{d:?}"
        );
        assert_eq!(fake.calls("kf/send_msg").len(), 7);

        // a user the bot has no record of is left to WeCom to judge
        assert!(sent(&kf.deliver(&fitted("wmNew", "hello", vec![])).await));
    })
    .await
}

#[tokio::test]
async fn a_receptionist_taking_over_closes_the_window_until_the_session_ends_and_the_user_writes() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        let now = chrono::Utc::now().timestamp();
        let taken = |change: i64, id: &str| json!({"msgid": id, "send_time": now, "origin": 4, "msgtype": "event", "event": {
            "event_type": "session_status_change", "open_kfid": "wk1", "external_userid": "wmUser", "change_type": change}});
        fake.kf_pages.lock().unwrap().insert(String::new(), kf_page("c1", 0, json!([kf_text("m1", "hi"), taken(1, "e1")])));
        let (sink, kv) = (Arc::new(Sink::default()), Arc::new(MemKv::default()));
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let sessions = Arc::new(KfSessions::new(kv.clone()));
        let puller = KfPuller::new(api.clone(), kv.clone(), sink.clone()).with_sessions(sessions.clone());
        puller.pull("wk1", None).await.unwrap();
        let kf = KfOutbound::new(api, Some("wk1")).unwrap().with_sessions(sessions.clone());
        let d = kf.deliver(&fitted("wmUser", "bot reply", vec![])).await;
        assert!(matches!(&d, Delivery::Failed { error } if error.contains("human")), "{d:?}");
        assert!(fake.calls("kf/send_msg").is_empty());

        // the receptionist ends the session; the user writes again: the bot may answer
        fake.kf_pages.lock().unwrap().insert("c1".into(), kf_page("c2", 0, json!([taken(3, "e2"), kf_text("m2", "again")])));
        puller.pull("wk1", None).await.unwrap();
        assert!(sent(&kf.deliver(&fitted("wmUser", "bot reply", vec![])).await));
    })
    .await
}

#[tokio::test]
async fn a_safety_poll_pulls_without_a_callback_and_stops_with_its_puller() {
    bounded(async {
        let (fake, cfg) = fake::start().await;
        fake.kf_pages.lock().unwrap().insert(
            String::new(),
            kf_page("c1", 0, json!([kf_text("lost1", "callback lost")])),
        );
        let (sink, kv) = (Arc::new(Sink::default()), Arc::new(MemKv::default()));
        let puller = Arc::new(KfPuller::new(
            Arc::new(WecomApi::new(&cfg).unwrap()),
            kv.clone(),
            sink.clone(),
        ));
        let poll = spawn_safety_poll(
            &puller,
            "wk1".into(),
            Duration::ZERO,
            Duration::from_millis(30),
        );
        let evs = sink.wait_for(1).await;
        assert_eq!(evs[0].event_id.as_deref(), Some("lost1"));
        assert_eq!(
            fake.calls("kf/sync_msg")[0].body.get("token"),
            None,
            "no callback token"
        );
        drop(puller);
        poll.await.unwrap();
        assert_eq!(sink.events().len(), 1);
    })
    .await
}
