//! Slack gets the calendar file like the other platforms (issue 14 item 16), through the
//! upload flow: files.getUploadURLExternal → the bytes to the upload URL →
//! files.completeUploadExternal in the message's channel. A file failing once is retried
//! without posting the text again.

use crate::config::slack::{FakeSlack, LIMIT};
use std::sync::Arc;
use std::time::Duration;
use yunqi_adapters::slack::{SlackApi, SlackConfig, SlackOutbound};
use yunqi_bot::capability::{fit, Fitted};
use yunqi_bot::message::{Attachment, Recipient, Reply};
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::{Platform, UserRef};

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n";

fn outbound(fake: &FakeSlack) -> SlackOutbound {
    let cfg = SlackConfig {
        bot_token: Some("xoxb-test".into()),
        api_base: fake.base.clone(),
        ..SlackConfig::default()
    };
    let api = SlackApi::new(&cfg)
        .unwrap()
        .with_channel_gap(Duration::ZERO);
    SlackOutbound::new(Arc::new(api))
}

/// An approval with its calendar file, fitted for Slack (which now keeps the file).
fn approval(out: &SlackOutbound) -> Fitted {
    let mut reply = Reply::text("已批准 approved");
    reply.attachment = Some(Attachment::text("salon.ics", "text/calendar", ICS));
    let to = Recipient::direct(UserRef::new(Platform::Slack, "U1"));
    let mut parts = fit(&reply, &to, &out.capabilities()).unwrap();
    assert_eq!(parts.len(), 1);
    parts.remove(0)
}

#[tokio::test]
async fn the_calendar_file_is_uploaded_and_shared_in_the_dm() {
    tokio::time::timeout(LIMIT, async {
        let (fake, _sockets) = FakeSlack::start().await;
        let out = outbound(&fake);
        let f = approval(&out);
        assert!(f.attachment.is_some(), "Slack keeps attachments");
        let d = out.deliver_part(&f, "7-0").await;
        assert!(
            matches!(
                d,
                Delivery::Sent {
                    message_id: Some(_)
                }
            ),
            "{d:?}"
        );
        let methods: Vec<String> = fake.all_calls().iter().map(|c| c.method.clone()).collect();
        eprintln!("slack calls: {methods:?}");
        assert_eq!(
            methods,
            [
                "conversations.open",
                "chat.postMessage",
                "files.getUploadURLExternal",
                "upload/F0001",
                "files.completeUploadExternal"
            ]
        );
        let get = &fake.calls("files.getUploadURLExternal")[0];
        assert!(get.body.contains("filename=salon.ics"), "{}", get.body);
        assert!(
            get.body.contains(&format!("length={}", ICS.len())),
            "{}",
            get.body
        );
        let up = &fake.calls("upload/F0001")[0];
        assert_eq!(up.body, ICS);
        assert_eq!(up.auth, None, "no token to the upload URL");
        let done = fake.calls("files.completeUploadExternal")[0].json();
        assert_eq!(done["files"][0]["id"], "F0001");
        assert_eq!(done["channel_id"], "DU1");
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_file_failing_once_is_retried_without_the_text() {
    tokio::time::timeout(LIMIT, async {
        let (fake, _sockets) = FakeSlack::start().await;
        let out = outbound(&fake);
        let f = approval(&out);
        fake.script("upload/F0001", 503, None, "");
        let first = out.deliver_part(&f, "8-0").await;
        assert!(matches!(first, Delivery::Retry { .. }), "{first:?}");
        let second = out.deliver_part(&f, "8-0").await;
        assert!(matches!(second, Delivery::Sent { .. }), "{second:?}");
        let posts = fake.calls("chat.postMessage").len();
        let shared = fake.calls("files.completeUploadExternal").len();
        eprintln!("text posted {posts}×, file shared {shared}×");
        assert_eq!((posts, shared), (1, 1));
    })
    .await
    .unwrap();
}
