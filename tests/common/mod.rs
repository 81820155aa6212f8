//! `spawn_app`: the real binary's wiring on a fresh database, serving HTTP on 127.0.0.1:0.
//! Platform sections (pointing at fake servers) come in as extra TOML.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;
use yunqi::app::{configure, App};
use yunqi::server::{Options, Running};
use yunqi_bot::ports::{Clock, ManualClock, Store};
use yunqi_bot::Platform;

pub struct TestApp {
    pub app: App,
    pub running: Running,
    pub base: String,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
}

/// Starts the bot with the embedded defaults, a temp database, `extra` TOML layered on
/// top (e.g. a `[wecom]` section with `api_base` = a fake server), and `clock`.
pub async fn spawn_app_with(extra: &str, clock: Arc<dyn Clock>) -> TestApp {
    spawn_app_outbounds(extra, clock, Vec::new()).await
}

/// As `spawn_app_with`, with extra sending sides (e.g. console users' outputs).
pub async fn spawn_app_outbounds(
    extra: &str,
    clock: Arc<dyn Clock>,
    extra_outbounds: Vec<Arc<dyn yunqi_bot::ports::Outbound>>,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("yunqi.db");
    let files = dir.path().join("files");
    let cfg = dir.path().join("test.toml");
    let toml = format!(
        "[console]\nfiles_dir = {:?}\n\n{extra}\n",
        files.display().to_string()
    );
    std::fs::write(&cfg, toml).expect("write test config");
    let (settings, table) =
        configure(Some(cfg.to_str().unwrap()), Some(db.to_str().unwrap())).expect("config");
    let app = App::open(settings, table, clock).await.expect("app");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let running = Running::start(
        &app,
        listener,
        Options {
            scheduler: false,
            extra_outbounds,
        },
    )
    .await
    .expect("start");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    TestApp {
        app,
        running,
        base,
        http,
        dir,
    }
}

pub async fn spawn_app(extra: &str) -> TestApp {
    spawn_app_with(extra, Arc::new(yunqi_bot::ports::SystemClock)).await
}

/// A manual clock at the given time, for tests that drive reminders and claim windows.
pub fn manual_clock(at: chrono::DateTime<chrono::Utc>) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(at))
}

impl TestApp {
    pub async fn shutdown(self) {
        self.running.shutdown().await;
        self.app.close().await;
    }
}

/// The platform's outbox once the dispatcher has recorded what a fake already answered
/// (a fake sees a message a moment before its row is marked sent); gives up after 5 s.
pub async fn drained(t: &TestApp, platform: Platform) -> i64 {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let n = t
            .app
            .store
            .outbox_pending(platform, None)
            .await
            .expect("outbox");
        if n == 0 || std::time::Instant::now() >= deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
