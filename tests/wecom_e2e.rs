//! WeCom end to end: the real app (HTTP router, core, SQLite, outbox dispatcher) with a
//! `[wecom]` section pointing at a fake WeCom on 127.0.0.1. Members talk to the
//! self-built app over encrypted callbacks; public WeChat users over 微信客服 (kf).

use crate::common;

use crate::wecom_support::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use yunqi_adapters::wecom::WxCrypt;
use yunqi_bot::ports::{Clock, Kv, Store, SystemClock};
use yunqi_bot::Platform;

async fn start_with(clock: Arc<dyn Clock>) -> (common::TestApp, Arc<Fake>, Callbacks) {
    let fake = Fake::start().await;
    let t = common::spawn_app_with(&wecom_toml(&fake), clock).await;
    assert!(
        t.running.platforms.contains(&"wecom"),
        "{:?}",
        t.running.platforms
    );
    assert!(
        t.running.platforms.contains(&"wechat (kf)"),
        "{:?}",
        t.running.platforms
    );
    let cb = Callbacks::new(t.http.clone(), &t.base);
    (t, fake, cb)
}

async fn start() -> (common::TestApp, Arc<Fake>, Callbacks) {
    start_with(Arc::new(SystemClock)).await
}

fn texts(msgs: &[Value]) -> Vec<String> {
    msgs.iter().map(shown).collect()
}

/// The organizer's approve/reject card for `who`: (task_id, approve key, reject key).
async fn decision_card(fake: &Fake, who: &str) -> (String, String, String) {
    eventually("the organizer's card", || {
        fake.app_messages(ORGANIZER).into_iter().find_map(|m| {
            let card = &m["template_card"];
            let keys: Vec<String> = card["button_list"]
                .as_array()?
                .iter()
                .filter_map(|b| b["key"].as_str().map(String::from))
                .collect();
            let approve = keys
                .iter()
                .find(|k| k.starts_with("/approve") && k.ends_with(who))?
                .clone();
            let reject = keys
                .iter()
                .find(|k| k.starts_with("/reject") && k.ends_with(who))?
                .clone();
            Some((card["task_id"].as_str()?.to_string(), approve, reject))
        })
    })
    .await
}

async fn pending(t: &common::TestApp, p: Platform) -> i64 {
    t.app.store.outbox_pending(p, None).await.expect("outbox")
}

async fn kv(t: &common::TestApp, key: &str) -> Option<String> {
    t.app.store.kv_get(key).await.expect("kv")
}

#[tokio::test]
async fn a_member_registers_for_salon_1_entirely_over_encrypted_callbacks() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        let steps = [
            ("/报名 1", 2),
            ("张三", 1),
            ("13800000000", 1),
            ("后端工程师", 1),
            ("5年", 1),
        ];
        let mut want = 0;
        for (i, (text, replies)) in steps.into_iter().enumerate() {
            assert_eq!(
                cb.text("zhangsan", text, &format!("7000000{i}")).await,
                200,
                "{text}"
            );
            want += replies;
            until("the replies", || {
                fake.app_messages("zhangsan").len() >= want
            })
            .await;
        }
        settle().await;
        let got = texts(&fake.app_messages("zhangsan"));
        assert_eq!(got.len(), 6, "{got:#?}");
        assert!(got[0].starts_with("报名 #1 测试沙龙"), "{got:#?}");
        assert_eq!(got[1], "请输入您的姓名：");
        assert!(got[5].contains("等待组织者审核"), "{got:#?}");
        // message/send carried the app's agentid and the member as touser
        let first = &fake.calls("message/send")[0].body;
        assert_eq!(first["agentid"], 1000002);

        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].name.as_str(),
                rows[0].phone.as_str(),
                rows[0].years.as_str()
            ),
            ("张三", "13800000000", "5")
        );
        assert_eq!(
            (
                rows[0].status.as_str(),
                rows[0].platform.as_str(),
                rows[0].user.as_str()
            ),
            ("pending", "wecom", "zhangsan")
        );

        let (_, approve, reject) = decision_card(&fake, "wecom:zhangsan").await;
        assert_eq!(approve, "/approve 1 wecom:zhangsan");
        assert_eq!(reject, "/reject 1 wecom:zhangsan");
        assert_eq!(fake.gettokens(), 1, "one token for all of it");
        assert_eq!(pending(&t, Platform::Wecom).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_approves_with_a_card_click_and_the_card_shows_who_decided() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        let reg = "/报名 1 name=张三 phone=13800000000 position=后端工程师 years=5";
        assert_eq!(cb.text("zhangsan", reg, "7100001").await, 200);
        let (task, approve, _) = decision_card(&fake, "wecom:zhangsan").await;
        let before = fake.app_messages("zhangsan").len();

        let click = click_xml(ORGANIZER, &approve, &task, "RESPONSE-CODE-1");
        assert_eq!(cb.post(&click).await, 200);
        // the approval: text, the calendar invite as a file, the group's join QR as an image
        until("the approval", || {
            fake.app_messages("zhangsan").len() >= before + 3
        })
        .await;
        let got = fake.app_messages("zhangsan")[before..].to_vec();
        assert!(shown(&got[0]).contains("已通过"), "{got:#?}");
        assert_eq!(got[1]["msgtype"], "file");
        let (kind, name) = fake
            .media(got[1]["file"]["media_id"].as_str().unwrap())
            .expect("uploaded");
        assert_eq!(kind, "file");
        assert!(name.ends_with(".ics"), "{name}");
        assert_eq!(got[2]["msgtype"], "image");
        let (kind, name) = fake
            .media(got[2]["image"]["media_id"].as_str().unwrap())
            .expect("uploaded");
        assert_eq!((kind.as_str(), name.as_str()), ("image", "group-r1.png"));
        let way = &fake.calls("externalcontact/groupchat/add_join_way")[0].body;
        assert_eq!(way["scene"], 2);
        assert_eq!(way["chat_id_list"], json!([GROUP]));
        assert_eq!(way["state"], "r1", "a join way of the registration's own");

        until("the card update", || {
            !fake.calls("message/update_template_card").is_empty()
        })
        .await;
        let update = &fake.calls("message/update_template_card")[0].body;
        assert_eq!(update["response_code"], "RESPONSE-CODE-1");
        assert_eq!(update["userids"], json!([ORGANIZER]));
        assert_eq!(
            update["button"]["replace_name"],
            format!("已批准 · {ORGANIZER}")
        );
        assert_eq!(update["agentid"], 1000002);

        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows[0].status, "approved");
        let decisions = t.app.store.decisions(1).await.unwrap();
        assert!(
            decisions
                .iter()
                .any(|d| d.1 == format!("wecom:{ORGANIZER}") && d.2 == "approved"),
            "{decisions:?}"
        );

        until("the organizer's confirmation", || {
            texts(&fake.app_messages(ORGANIZER))
                .iter()
                .any(|t| t.contains("已批准 1 人"))
        })
        .await;

        // WeCom retries the same click: nothing happens twice
        let (member, organizer) = (
            fake.app_messages("zhangsan").len(),
            fake.app_messages(ORGANIZER).len(),
        );
        assert_eq!(cb.post(&click).await, 200);
        settle().await;
        assert_eq!(fake.app_messages("zhangsan").len(), member);
        assert_eq!(fake.app_messages(ORGANIZER).len(), organizer);
        let updates = fake.calls("message/update_template_card");
        assert_eq!(
            updates.len(),
            1,
            "{:#?}",
            updates.iter().map(|c| (&c.body, c.at)).collect::<Vec<_>>()
        );
        assert_eq!(
            fake.calls("externalcontact/groupchat/add_join_way").len(),
            1
        );
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_wechat_user_registers_over_kf_is_approved_and_gets_the_group_join_qr() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        const USER: &str = "wmAJ2GCAAAme1XQRC";
        fake.kf_user_enters(USER, "WELCOME-1");
        fake.kf_user_says(USER, "/报名 1");
        assert_eq!(cb.kf_signal().await, 200);
        until("the welcome", || {
            !fake.calls("kf/send_msg_on_event").is_empty()
        })
        .await;
        let welcome = &fake.calls("kf/send_msg_on_event")[0].body;
        assert_eq!(welcome["code"], "WELCOME-1");
        assert_eq!(welcome["msgtype"], "msgmenu");

        let mut want = 2;
        until("the first question", || {
            fake.kf_messages(USER).len() >= want
        })
        .await;
        for answer in ["李雷", "13900000000", "前端工程师", "6"] {
            fake.kf_user_says(USER, answer);
            assert_eq!(cb.kf_signal().await, 200);
            want += 1;
            until("the next reply", || fake.kf_messages(USER).len() >= want).await;
        }
        let got = texts(&fake.kf_messages(USER));
        assert_eq!(got[1], "请输入您的姓名：");
        assert!(got[5].contains("等待组织者审核"), "{got:#?}");
        assert_eq!(
            kv(&t, "wecom.kf.cursor.wk1").await.as_deref(),
            Some("6"),
            "the pull cursor is kept in SQLite"
        );

        let (task, approve, _) = decision_card(&fake, &format!("wechat:{USER}")).await;
        assert_eq!(approve, format!("/approve 1 wechat:{USER}"));
        assert_eq!(cb.click(ORGANIZER, &approve, &task, "RC-KF").await, 200);
        until("the approval over kf", || {
            fake.kf_messages(USER).len() >= want + 3
        })
        .await;
        let got = fake.kf_messages(USER)[want..].to_vec();
        assert!(shown(&got[0]).contains("已通过"), "{got:#?}");
        assert_eq!(got[1]["msgtype"], "file");
        assert_eq!(got[2]["msgtype"], "image");
        let (_, name) = fake
            .media(got[2]["image"]["media_id"].as_str().unwrap())
            .unwrap();
        assert_eq!(name, "group-r1.png");
        let sends = fake.calls("kf/send_msg");
        assert!(sends
            .iter()
            .all(|c| c.body["open_kfid"] == KFID && c.body["touser"] == USER));
        assert_eq!(
            sends.len(),
            9,
            "every send was within the user's 5-replies allowance"
        );

        // the user scans their QR; WeCom says the group changed; the bot reads it back
        let config_id = fake.join_way_ids().pop().expect("a join way");
        assert_eq!(fake.join_way(&config_id).unwrap()["state"], "r1");
        let chat = fake.scan_join_qr(&config_id, USER);
        assert_eq!(cb.group_member_added(&chat, USER).await, 200);
        until("the join way to go", || fake.join_way(&config_id).is_none()).await;
        assert_eq!(
            fake.calls("externalcontact/groupchat/get")[0].body["chat_id"],
            GROUP
        );
        let rec: Value = serde_json::from_str(&kv(&t, "wecom.invite.r1").await.unwrap()).unwrap();
        assert_eq!(rec["joined"], true);
        assert_eq!(rec["user"], format!("wechat:{USER}"));
        // a repeated group callback changes nothing more
        assert_eq!(cb.group_member_added(&chat, USER).await, 200);
        until("the second read", || {
            fake.calls("externalcontact/groupchat/get").len() == 2
        })
        .await;
        settle().await;
        assert_eq!(
            fake.calls("externalcontact/groupchat/del_join_way").len(),
            1
        );
        assert_eq!(pending(&t, Platform::Wechat).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_replayed_callback_has_no_second_effect() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        let xml = text_xml(
            "lilei",
            "/报名 1 name=李雷 phone=13900000000 position=前端工程师 years=4",
            "7200001",
        );
        let (query, body) = cb.seal(&xml);
        assert_eq!(cb.post_raw(&query, body.clone()).await, 200);
        // WeCom's retry: the same message, freshly signed; and a byte-identical replay
        assert_eq!(cb.post(&xml).await, 200);
        assert_eq!(cb.post_raw(&query, body).await, 200);
        until("the reply", || !fake.app_messages("lilei").is_empty()).await;
        decision_card(&fake, "wecom:lilei").await;
        settle().await;
        let got = texts(&fake.app_messages("lilei"));
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].contains("等待组织者审核"));
        assert_eq!(fake.app_messages(ORGANIZER).len(), 1, "one card");
        assert_eq!(t.app.store.export_salon(1).await.unwrap().len(), 1);

        // a kf signal delivered twice pulls from the saved cursor: no second reply
        fake.kf_user_says("wmReplay", "/沙龙");
        assert_eq!(cb.kf_signal().await, 200);
        until("the kf reply", || !fake.kf_messages("wmReplay").is_empty()).await;
        assert_eq!(cb.kf_signal().await, 200);
        until("the second pull", || fake.calls("kf/sync_msg").len() >= 2).await;
        settle().await;
        assert_eq!(fake.kf_messages("wmReplay").len(), 1);
        assert_eq!(fake.calls("kf/sync_msg")[1].body["cursor"], "1");
        t
    })
    .await;
    t.shutdown().await;
}

fn sealed_with(crypt: &WxCrypt, inner: &str, ts: i64) -> (String, String) {
    let (ts, nonce) = (ts.to_string(), "4242".to_string());
    let enc = crypt.encrypt(inner);
    let sig = crypt.signature(&ts, &nonce, &enc);
    let body = format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>");
    (
        format!("msg_signature={sig}&timestamp={ts}&nonce={nonce}"),
        body,
    )
}

#[tokio::test]
async fn forged_callbacks_are_refused_and_change_nothing() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        let xml = text_xml(
            "mallory",
            "/报名 1 name=马洛 phone=13700000000 position=黑客 years=9",
            "7300001",
        );
        let now = chrono::Utc::now().timestamp();

        let (query, body) = cb.seal(&xml);
        let sig = query
            .split('&')
            .next()
            .unwrap()
            .trim_start_matches("msg_signature=")
            .to_string();
        let flipped = format!(
            "{}{}",
            if sig.starts_with('0') { "1" } else { "0" },
            &sig[1..]
        );
        assert_eq!(
            cb.post_raw(&query.replace(&sig, &flipped), body.clone())
                .await,
            401,
            "a wrong signature"
        );
        let start = body.find("<Encrypt><![CDATA[").unwrap() + 18;
        let mut tampered = body.clone().into_bytes();
        tampered[start + 5] = if tampered[start + 5] == b'A' {
            b'B'
        } else {
            b'A'
        };
        assert_eq!(
            cb.post_raw(&query, String::from_utf8(tampered).unwrap())
                .await,
            401,
            "a tampered body"
        );
        let wrong_token = WxCrypt::new("NotTheToken", AES_KEY, CORP).unwrap();
        let (q, b) = sealed_with(&wrong_token, &xml, now);
        assert_eq!(cb.post_raw(&q, b).await, 401, "signed with another token");
        let other_corp = WxCrypt::new(TOKEN, AES_KEY, "wwSOMEOTHERCORP0000").unwrap();
        let (q, b) = sealed_with(&other_corp, &xml, now);
        assert_eq!(cb.post_raw(&q, b).await, 400, "sealed for another corp");
        let ours = WxCrypt::new(TOKEN, AES_KEY, CORP).unwrap();
        let (q, b) = sealed_with(&ours, &xml, now - 3 * 24 * 3600);
        assert_eq!(cb.post_raw(&q, b).await, 400, "a stale timestamp");
        assert_eq!(
            cb.post_raw("timestamp=1&nonce=2", String::new()).await,
            400,
            "no signature"
        );

        // URL verification answers the decrypted echostr, and only when signed
        let echo = ours.encrypt("echo-8848");
        let sig = ours.signature(&now.to_string(), "99", &echo);
        let verify = |sig: String| {
            cb.http
                .get(&cb.url)
                .query(&[
                    ("msg_signature", sig),
                    ("timestamp", now.to_string()),
                    ("nonce", "99".into()),
                    ("echostr", echo.clone()),
                ])
                .send()
        };
        let r = verify(sig.clone()).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "echo-8848");
        assert_eq!(verify("0".repeat(40)).await.unwrap().status(), 401);

        settle().await;
        assert!(
            fake.calls("message/send").is_empty(),
            "no reply to anything forged"
        );
        assert_eq!(fake.gettokens(), 0);
        assert!(t.app.store.export_salon(1).await.unwrap().is_empty());
        assert_eq!(pending(&t, Platform::Wecom).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_frequency_block_delays_the_message_and_it_goes_out_after_the_wait() {
    let t = bounded(async {
        let clock = common::manual_clock(chrono::Utc::now());
        let (t, fake, cb) = start_with(clock.clone()).await;
        fake.inject(
            "message/send",
            Inject::Json(json!({"errcode": 45009, "errmsg": "api freq out of limit"})),
        );
        assert_eq!(cb.text("zhangsan", "/帮助", "7400001").await, 200);
        until("the first attempt", || {
            fake.calls("message/send").len() == 1
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            fake.calls("message/send").len(),
            1,
            "no retry before the block is over"
        );
        assert_eq!(pending(&t, Platform::Wecom).await, 1, "kept in the outbox");
        clock.advance(chrono::Duration::seconds(61));
        until("the delivery after the wait", || {
            !fake.app_messages("zhangsan").is_empty()
        })
        .await;
        until("the outbox to settle", || {
            fake.calls("message/send").len() == 2
        })
        .await;
        let mut left = 1;
        for _ in 0..50 {
            left = pending(&t, Platform::Wecom).await;
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(left, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_message_goes_out() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        assert_eq!(cb.text("zhangsan", "/沙龙", "7500001").await, 200);
        until("the first reply", || {
            fake.app_messages("zhangsan").len() == 1
        })
        .await;
        assert_eq!(fake.gettokens(), 1);
        fake.inject("message/send", Inject::ExpireToken);
        assert_eq!(cb.text("zhangsan", "/帮助", "7500002").await, 200);
        until("the second reply", || {
            fake.app_messages("zhangsan").len() == 2
        })
        .await;
        assert_eq!(fake.gettokens(), 2, "one refresh");
        let sends = fake.calls("message/send");
        assert_eq!(sends.len(), 3, "the refused send and its one retry");
        assert_eq!(sends[1].query["access_token"], "tok1");
        assert_eq!(sends[2].query["access_token"], "tok2");
        settle().await;
        assert_eq!(pending(&t, Platform::Wecom).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_kf_send_the_session_state_forbids_is_recorded_as_failed_and_the_organizer_is_told() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        fake.inject(
            "kf/send_msg",
            Inject::Json(json!({"errcode": 95018, "errmsg": "send msg session status invalid"})),
        );
        fake.kf_user_says("wmLost", "/沙龙");
        assert_eq!(cb.kf_signal().await, 200);
        let notice = eventually("the organizer's notice", || {
            texts(&fake.app_messages(ORGANIZER))
                .into_iter()
                .find(|t| t.contains("wechat:wmLost"))
        })
        .await;
        assert!(notice.contains("95018"), "{notice}");
        settle().await;
        assert_eq!(
            fake.calls("kf/send_msg").len(),
            1,
            "a permanent failure is never retried"
        );
        assert!(fake.kf_messages("wmLost").is_empty());
        assert_eq!(
            pending(&t, Platform::Wechat).await,
            0,
            "settled as failed, not pending"
        );
        let failed = yunqi_bot::metrics::METRICS
            .outbox_failed
            .load(std::sync::atomic::Ordering::Relaxed);
        assert!(failed >= 1, "counted as a failed delivery");
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn a_user_whose_session_a_receptionist_took_over_is_not_messaged_and_the_organizer_is_told() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        const USER: &str = "wmTaken";
        fake.kf_user_says(
            USER,
            "/报名 1 name=王五 phone=13700000000 position=测试工程师 years=6",
        );
        assert_eq!(cb.kf_signal().await, 200);
        until("the pending reply", || fake.kf_messages(USER).len() == 1).await;
        let (task, approve, _) = decision_card(&fake, &format!("wechat:{USER}")).await;

        fake.kf_human_takes_over(USER);
        assert_eq!(cb.kf_signal().await, 200);
        let key = format!("wecom.kf.session.{KFID}.{USER}");
        for _ in 0..500 {
            if kv(&t, &key)
                .await
                .is_some_and(|s| s.contains("\"state\":3"))
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(kv(&t, &key).await.unwrap().contains("\"state\":3"));

        let sends = fake.calls("kf/send_msg").len();
        assert_eq!(cb.click(ORGANIZER, &approve, &task, "RC-TAKEN").await, 200);
        let notice = eventually("the organizer's notice", || {
            texts(&fake.app_messages(ORGANIZER))
                .into_iter()
                .find(|t| t.contains(&format!("wechat:{USER}")) && t.contains("human"))
        })
        .await;
        assert!(
            notice.contains("已通过"),
            "the notice quotes the message: {notice}"
        );
        settle().await;
        assert_eq!(
            fake.calls("kf/send_msg").len(),
            sends,
            "refused before calling WeCom"
        );
        assert!(fake
            .calls("externalcontact/groupchat/add_join_way")
            .is_empty());
        assert_eq!(
            t.app.store.export_salon(1).await.unwrap()[0].status,
            "approved"
        );
        assert_eq!(pending(&t, Platform::Wechat).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn without_a_qr_image_the_link_goes_out_and_without_a_join_way_the_organizer_is_told() {
    let t = bounded(async {
        let (t, fake, cb) = start().await;
        // the app may not manage customer groups: the approval still goes out, with a note
        fake.inject(
            "externalcontact/groupchat/add_join_way",
            Inject::Json(json!({"errcode": 48002, "errmsg": "api forbidden"})),
        );
        let reg = "/报名 1 name=韩梅梅 phone=13600000000 position=产品经理 years=8";
        assert_eq!(cb.text("hanmeimei", reg, "7600001").await, 200);
        let (task, approve, _) = decision_card(&fake, "wecom:hanmeimei").await;
        assert_eq!(cb.click(ORGANIZER, &approve, &task, "RC-A").await, 200);
        until("the approval", || fake.app_messages("hanmeimei").len() >= 4).await;
        let got = texts(&fake.app_messages("hanmeimei"));
        assert!(got[1].contains("已通过"), "{got:#?}");
        assert_eq!(got[2], "[file]");
        assert!(got[3].contains("组织者会另行邀请"), "{got:#?}");
        let notice = eventually("the organizer's notice", || {
            texts(&fake.app_messages(ORGANIZER))
                .into_iter()
                .find(|t| t.contains("wecom:hanmeimei") && t.contains("48002"))
        })
        .await;
        assert!(notice.contains(GROUP), "{notice}");

        // the QR image host is down: the QR's link is sent instead of the image
        fake.break_qr_images();
        let reg = "/报名 1 name=李华 phone=13500000000 position=架构师 years=10";
        assert_eq!(cb.text("lihua", reg, "7600002").await, 200);
        let (task, approve, _) = decision_card(&fake, "wecom:lihua").await;
        assert_eq!(cb.click(ORGANIZER, &approve, &task, "RC-B").await, 200);
        until("the approval", || fake.app_messages("lihua").len() >= 4).await;
        let got = texts(&fake.app_messages("lihua"));
        assert!(got[3].contains(&format!("{}/qr/", fake.base)), "{got:#?}");
        settle().await;
        assert_eq!(pending(&t, Platform::Wecom).await, 0);
        t
    })
    .await;
    t.shutdown().await;
}
