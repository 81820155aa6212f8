//! `[announce]` end to end: a keyed config salon is posted to the WeCom group robot, a
//! Slack channel and a Telegram group exactly once, across a restart (issue 11).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use testkit::slack::FakeSlack;
use testkit::{telegram, until, wecom};
use yunqi::app::{configure, App};
use yunqi::server::{Options, Running};
use yunqi_bot::ports::SystemClock;

const CHANNEL: &str = "C0COMMUNITY";

async fn start(dir: &Path, toml: &str) -> (App, Running) {
    let cfg = dir.join("test.toml");
    std::fs::write(&cfg, toml).unwrap();
    let db = dir.join("yunqi.db");
    let (settings, table) =
        configure(Some(cfg.to_str().unwrap()), Some(db.to_str().unwrap())).unwrap();
    let app = App::open(settings, table, Arc::new(SystemClock))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let opts = Options {
        scheduler: false,
        extra_outbounds: Vec::new(),
    };
    let running = Running::start(&app, listener, opts).await.unwrap();
    (app, running)
}

#[tokio::test]
async fn a_keyed_salon_is_announced_once_to_robot_channel_and_group_across_a_restart() {
    tokio::time::timeout(Duration::from_secs(90), async {
        let wc = wecom::Fake::start().await;
        let (slack, _) = FakeSlack::start().await;
        let tg = telegram::Fake::start().await;
        let dir = tempfile::tempdir().unwrap();
        let toml = format!(
            r#"
[console]
files_dir = {files:?}

[wecom]
corp_id = "{corp}"
agent_id = 1000002
secret = "{secret}"
token = "{token}"
encoding_aes_key = "{aes}"
api_base = "{wbase}"
robot_webhook = "{robot}"

[slack]
bot_token = "xoxb-test"
signing_secret = "slack-secret"
api_base = "{sbase}"

[telegram]
token = "{tgtoken}"
api_base = "{tbase}"
poll_timeout = 1

[announce]
wecom_robot = true
slack_channel = "{CHANNEL}"
telegram_chat_id = "{group}"

[[salons]]
key = "2030-05-salon"
title_zh = "五月沙龙"
title_en = "May salon"
venue_zh = "云栖小镇"
date = "2030-05-18"
start = "14:00"
end = "17:00"
capacity = 12
"#,
            files = dir.path().join("files").display().to_string(),
            corp = wecom::CORP,
            secret = wecom::SECRET,
            token = wecom::TOKEN,
            aes = wecom::AES_KEY,
            wbase = wc.base,
            robot = wecom::ROBOT_KEY,
            sbase = slack.base,
            tgtoken = telegram::TOKEN,
            tbase = tg.base,
            group = telegram::GROUP,
        );
        let group: i64 = telegram::GROUP.parse().unwrap();
        let robot = || wc.calls("webhook/send");
        {
            let (app, running) = start(dir.path(), &toml).await;
            assert_eq!(running.platforms.len(), 3, "{:?}", running.platforms);
            until("the robot post", || !robot().is_empty()).await;
            until("the slack post", || !slack.posts_to(CHANNEL).is_empty()).await;
            until("the telegram post", || !tg.sent(group).is_empty()).await;
            let text = robot()[0].body.to_string();
            assert!(
                text.contains("五月沙龙") && text.contains("/报名 1"),
                "{text}"
            );
            let post = slack.posts_to(CHANNEL)[0].json().to_string();
            assert!(
                post.contains("May salon") && post.contains("/register 1"),
                "{post}"
            );
            running.shutdown().await;
            app.close().await;
        }
        let (app, running) = start(dir.path(), &toml).await;
        // Give the dispatcher time to send anything it would (nothing is due).
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(robot().len(), 1);
        assert_eq!(slack.posts_to(CHANNEL).len(), 1);
        assert_eq!(tg.sent(group).len(), 1);
        running.shutdown().await;
        app.close().await;
    })
    .await
    .expect("the test took too long");
}
