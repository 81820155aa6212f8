//! Tickets end to end (issue 12): the QR code reaches Telegram as a photo and WeCom as an
//! image, and an organizer's WeCom scan (`scancode_waitmsg`, a real encrypted callback)
//! checks the ticket in.

use crate::common;
use crate::{telegram_support as tg, wecom_support as wc};
use std::sync::Arc;
use yunqi_bot::ports::{ManualClock, SystemClock};

/// `票码：K7Q2-M9XD` in a text.
fn ticket_in(text: &str) -> Option<String> {
    let after = text.split("票码：").nth(1)?;
    Some(after.chars().take(9).collect())
}

/// Decodes a PNG; (width, height, has dark and light pixels).
fn decode(bytes: &[u8]) -> (u32, u32, bool) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut r = dec.read_info().expect("a PNG");
    let mut buf = vec![0; r.output_buffer_size().expect("size")];
    let info = r.next_frame(&mut buf).expect("a frame");
    let px = &buf[..info.buffer_size()];
    let both = px.contains(&0) && px.contains(&255);
    (info.width, info.height, both)
}

#[tokio::test]
async fn telegram_gets_the_ticket_qr_code_as_a_photo_that_decodes() {
    let t = tg::bounded(async {
        let fake = tg::Fake::start().await;
        let t = common::spawn_app_with(&tg::telegram_toml(&fake, ""), Arc::new(SystemClock)).await;
        fake.user_says(
            tg::MEMBER,
            "/register 1 name=张三 phone=13800000000 position=后端工程师 years=5",
        );
        tg::until("registered", || !fake.sent(tg::MEMBER).is_empty()).await;
        fake.user_says(tg::ORGANIZER, "/approve 1 telegram:111");
        let photo = tg::eventually("the ticket photo", || {
            fake.calls("sendPhoto")
                .into_iter()
                .find(|c| c.body["chat_id"].as_i64() == Some(tg::MEMBER))
        })
        .await;
        let (w, h, both) = decode(photo.file.as_deref().expect("a file part"));
        assert_eq!(w, h);
        assert!(w >= 200 && both, "{w}×{h}");
        let code = fake
            .texts(tg::MEMBER)
            .iter()
            .find_map(|t| ticket_in(t))
            .expect("the code in text too");
        assert!(yunqi_bot::ticket::normalize(&code).is_some(), "{code}");
        // The calendar invite still goes as a document.
        assert!(!fake.calls("sendDocument").is_empty());
        t
    })
    .await;
    t.shutdown().await;
}

#[tokio::test]
async fn an_organizer_scans_a_ticket_in_wecom_and_sees_who_it_is() {
    let t = wc::bounded(async {
        let fake = wc::Fake::start().await;
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let t = common::spawn_app_with(&wc::wecom_toml(&fake), clock.clone()).await;
        let cb = wc::Callbacks::new(t.http.clone(), &t.base);
        let reg = "/报名 1 name=张三 phone=13800000000 position=后端工程师 years=5";
        assert_eq!(cb.text("zhangsan", reg, "81000001").await, 200);
        wc::until("registered", || !fake.app_messages("zhangsan").is_empty()).await;
        let approve = "/approve 1 wecom:zhangsan";
        assert_eq!(cb.text(wc::ORGANIZER, approve, "81000002").await, 200);
        let image = wc::eventually("the ticket image", || {
            fake.app_messages("zhangsan")
                .into_iter()
                .find(|m| m["msgtype"] == "image")
        })
        .await;
        let media = image["image"]["media_id"].as_str().expect("media id");
        let (kind, _) = fake.media(media).expect("uploaded");
        assert_eq!(kind, "image");
        let code = fake
            .app_messages("zhangsan")
            .iter()
            .find_map(|m| ticket_in(&wc::shown(m)))
            .expect("the code");

        // Half an hour before the start, the organizer scans it from the app menu.
        let (salon, _) = t.app.store.salon_list().await.unwrap().remove(0);
        clock.set(salon.info.starts_at - chrono::Duration::minutes(30));
        let before = fake.app_messages(wc::ORGANIZER).len();
        let scan = format!("<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[{}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_waitmsg]]></Event><EventKey><![CDATA[checkin-scan]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[{code}]]></ScanResult></ScanCodeInfo><AgentID>1000002</AgentID></xml>", wc::CORP, wc::ORGANIZER);
        assert_eq!(cb.post(&scan).await, 200);
        let answer = wc::eventually("the organizer's answer", || {
            fake.app_messages(wc::ORGANIZER)
                .get(before..)?
                .iter()
                .map(wc::shown)
                .find(|s| s.contains("已签到"))
        })
        .await;
        assert!(answer.contains("已签到：张三（138****0000）"), "{answer}");
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows[0].status, "checked_in");
        // The same scan again (WeCom retries): no second effect; a second scan: "already".
        assert_eq!(cb.post(&scan).await, 200);
        let again = scan.replace("1700000000", "1700000060");
        assert_eq!(cb.post(&again).await, 200);
        let already = wc::eventually("already checked in", || {
            fake.app_messages(wc::ORGANIZER)
                .iter()
                .map(wc::shown)
                .find(|s| s.contains("已签到过"))
        })
        .await;
        assert!(already.contains("wecom:") && already.contains(wc::ORGANIZER), "{already}");
        t
    })
    .await;
    t.shutdown().await;
}
