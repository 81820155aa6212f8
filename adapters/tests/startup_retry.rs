//! Start-up calls to a platform that is briefly failing are retried in the background
//! (issue 14 item 15): the Telegram command menu and the Slack identity arrive once the
//! platform is back, without a restart.

use std::sync::Arc;
use std::time::Duration;
use testkit::{MemKv, Sink};
use tokio::sync::watch;
use tokio::time::Instant;
use yunqi_adapters::common::Deps;
use yunqi_bot::ports::SystemClock;

fn deps() -> (Deps, watch::Sender<bool>) {
    let (stop, shutdown) = watch::channel(false);
    let deps = Deps {
        sink: Arc::new(Sink::default()),
        kv: Arc::new(MemKv::default()),
        clock: Arc::new(SystemClock),
        shutdown,
        organizers: Vec::new(),
        leader: yunqi_adapters::common::always_leader(),
    };
    (deps, stop)
}

#[cfg(feature = "telegram")]
#[tokio::test]
async fn the_telegram_menu_is_registered_once_the_platform_is_back() {
    // Nothing listens on the configured port at start: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, mut cfg) = crate::config::telegram::start().await;
    cfg.api_base = format!("http://127.0.0.1:{port}");
    let (deps, stop) = deps();
    let _wired = yunqi_adapters::telegram::build(&cfg, deps).await.unwrap();
    let start = Instant::now();
    // Telegram comes up 1.5 s later.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let api = testkit::telegram::Fake::start_on(listener).await;
    let registered = || {
        api.calls("setMyCommands")
            .iter()
            .filter(|c| c.body.get("_failed").is_none())
            .count()
    };
    while registered() == 0 && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "setMyCommands calls: {}, registered: {} after {:?}",
        api.calls("setMyCommands").len(),
        registered(),
        start.elapsed()
    );
    let _ = stop.send(true);
    assert!(
        registered() >= 1,
        "the menu is registered once Telegram answers"
    );
}

#[cfg(feature = "slack")]
#[tokio::test]
async fn slack_auth_test_is_retried_until_it_answers() {
    use yunqi_adapters::slack::SlackConfig;
    let (fake, _sockets) = testkit::slack::FakeSlack::start().await;
    for _ in 0..3 {
        fake.script("auth.test", 503, None, "unavailable");
    }
    let cfg = SlackConfig {
        bot_token: Some("xoxb-test".into()),
        signing_secret: Some("s".into()),
        api_base: fake.base.clone(),
        ..SlackConfig::default()
    };
    let (deps, stop) = deps();
    let _wired = yunqi_adapters::slack::build(&cfg, deps).await.unwrap();
    let start = Instant::now();
    let calls = || fake.calls("auth.test").len();
    while calls() < 4 && start.elapsed() < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("auth.test calls: {} after {:?}", calls(), start.elapsed());
    let _ = stop.send(true);
    assert_eq!(calls(), 4, "three failures, then the one that answers");
}
