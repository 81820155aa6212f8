//! 微信客服 (issue 14 item 16). (a) The 5 replies per user message: a page pulled again after a
//! lost cursor brings the user's last message back; the core drops it as a repeat, and
//! the allowance must not be renewed by it. (b) Per-part progress with stable msgids.

use crate::config::wecom as fake;
use std::sync::Arc;
use std::time::Duration;
use testkit::{MemKv, Sink};
use yunqi_adapters::wecom::kf::KfPuller;
use yunqi_adapters::wecom::kf_session::KfSessions;
use yunqi_adapters::wecom::{KfOutbound, WecomApi};
use yunqi_bot::capability::Fitted;
use yunqi_bot::message::Recipient;
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::{Platform, UserRef};

fn fitted(text: &str) -> Fitted {
    Fitted {
        to: Recipient::direct(UserRef::new(Platform::Wechat, "wmUser")),
        text: text.into(),
        buttons: vec![],
        attachment: None,
        thread: None,
        invite: None,
    }
}

#[tokio::test]
async fn a_repeated_user_message_does_not_renew_the_five_replies() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let (fake, cfg) = fake::start().await;
        let t = chrono::Utc::now().timestamp();
        fake.kf_pages.lock().unwrap().insert(String::new(), serde_json::json!({"errcode": 0, "errmsg": "ok", "next_cursor": "c1", "has_more": 0, "msg_list": [
            {"msgid": "kf1", "open_kfid": "wk1", "external_userid": "wmUser", "send_time": t, "origin": 3, "msgtype": "text", "text": {"content": "我想报名"}}]}));
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let sink = Arc::new(Sink::default().deduplicating());
        let sessions = Arc::new(KfSessions::new(Arc::new(MemKv::default())));
        let pull = |cursor_kv: Arc<MemKv>| {
            KfPuller::new(api.clone(), cursor_kv, sink.clone()).with_sessions(sessions.clone())
        };
        let kf = KfOutbound::new(api.clone(), Some("wk1"))
            .unwrap()
            .with_sessions(sessions.clone());

        pull(Arc::new(MemKv::default())).pull("wk1", None).await.unwrap();
        let mut sent = 0;
        for i in 0..5 {
            if matches!(kf.deliver(&fitted(&format!("reply {i}"))).await, Delivery::Sent { .. }) {
                sent += 1;
            }
        }
        // The cursor is lost: the same page comes again, with the same message.
        pull(Arc::new(MemKv::default())).pull("wk1", None).await.unwrap();
        assert_eq!(sink.events().len(), 1, "the core saw the message once");
        for i in 5..8 {
            if matches!(kf.deliver(&fitted(&format!("reply {i}"))).await, Delivery::Sent { .. }) {
                sent += 1;
            }
        }
        let calls = fake.calls("kf/send_msg").len();
        eprintln!("replies sent after the user's one message: {sent} (kf/send_msg calls: {calls})");
        assert_eq!(sent, 5, "WeCom allows 5 replies per user message (95001 beyond)");
        assert_eq!(calls, 5);
    })
    .await
    .unwrap();
}

/// Issue 14 item 16b: a reply whose calendar file fails once is retried from the file,
/// not from its text, and every kf send carries the stable msgid `<outbox id>-<part>…`.
#[tokio::test]
async fn a_retry_after_the_file_failed_does_not_send_the_text_again() {
    use crate::config::wecom::Inject;
    use yunqi_bot::message::Attachment;
    tokio::time::timeout(Duration::from_secs(20), async {
        let (fake, cfg) = fake::start().await;
        let api = Arc::new(WecomApi::new(&cfg).unwrap());
        let sessions = Arc::new(KfSessions::new(Arc::new(MemKv::default())));
        sessions
            .user_wrote("wk1", "wmUser", chrono::Utc::now().timestamp())
            .await;
        let kf = KfOutbound::new(api, Some("wk1"))
            .unwrap()
            .with_sessions(sessions.clone());
        let mut f = fitted("已批准 approved");
        f.attachment = Some(Attachment::text(
            "salon.ics",
            "text/calendar",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        ));
        // The text goes through; the file's send meets a busy WeCom once.
        fake.inject(
            "kf/send_msg",
            Inject::Json(serde_json::json!({"errcode": 0, "errmsg": "ok", "msgid": "t1"})),
        );
        fake.inject(
            "kf/send_msg",
            Inject::Json(serde_json::json!({"errcode": -1, "errmsg": "system busy"})),
        );
        let first = kf.deliver_part(&f, "42-0").await;
        assert!(matches!(first, Delivery::Retry { .. }), "{first:?}");
        let second = kf.deliver_part(&f, "42-0").await;
        assert!(matches!(second, Delivery::Sent { .. }), "{second:?}");
        let calls = fake.calls("kf/send_msg");
        let kinds: Vec<String> = calls
            .iter()
            .map(|c| c.body["msgtype"].as_str().unwrap_or("?").to_string())
            .collect();
        let ids: Vec<String> = calls
            .iter()
            .map(|c| c.body["msgid"].as_str().unwrap_or("-").to_string())
            .collect();
        let texts = kinds.iter().filter(|k| *k == "text").count();
        eprintln!("kf sends: {kinds:?}, msgids {ids:?}; the text went {texts}×");
        assert_eq!(texts, 1, "the text is not sent again");
        assert_eq!(ids, ["42-0", "42-0-1", "42-0-1"], "stable msgids");
        let left = sessions.get("wk1", "wmUser").await.map(|s| s.left);
        assert_eq!(left, Some(3), "two of the five replies used");
    })
    .await
    .unwrap();
}
