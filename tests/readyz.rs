//! `/readyz` through the real router: the database, each configured adapter's latest
//! delivery outcomes, the outbox backlog; 503 while the database cannot be written.

use crate::common;
use crate::telegram_support::*;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use yunqi_bot::ports::SystemClock;
use yunqi_bot::runtime::{Core, DeliveryLog};
use yunqi_bot::{Engine, EngineConfig, Locale, Platform, UserRef};
use yunqi_storage::{PageLimit, SqliteStore};

async fn ready(t: &common::TestApp) -> (u16, Value) {
    let r = t
        .http
        .get(format!("{}/readyz", t.base))
        .send()
        .await
        .expect("readyz answers");
    let status = r.status().as_u16();
    (status, r.json().await.expect("JSON"))
}

fn lane<'a>(v: &'a Value, platform: &str) -> &'a Value {
    v["adapters"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["platform"] == platform))
        .unwrap_or_else(|| panic!("{platform} in {v}"))
}

#[tokio::test]
async fn readyz_shows_each_adapters_last_success_and_failure_and_the_backlog() {
    bounded(async {
        let fake = Fake::start().await;
        let t = common::spawn_app_with(&telegram_toml(&fake, ""), Arc::new(SystemClock)).await;
        let (status, v) = ready(&t).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["ready"], true);
        assert_eq!(
            v["database"],
            json!({"readable": true, "writable": true, "error": null})
        );
        assert_eq!(lane(&v, "telegram")["last_success"], Value::Null);
        assert_eq!(v["outbox"]["pending"], 0);

        fake.user_says(MEMBER, "/salons");
        let mut v = Value::Null;
        for _ in 0..100 {
            v = ready(&t).await.1;
            if !lane(&v, "telegram")["last_success"].is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let tg = lane(&v, "telegram");
        assert!(
            tg["last_success"]
                .as_str()
                .is_some_and(|s| s.ends_with('Z')),
            "{v}"
        );
        assert_eq!(tg["last_failure"], Value::Null);
        assert!(tg["sent"].as_u64() >= Some(1), "{v}");

        // The platform fails: the failure and the waiting message show.
        fake.flood("sendMessage", 2);
        fake.flood("sendMessage", 2);
        fake.user_says(MEMBER, "/help");
        for _ in 0..200 {
            v = ready(&t).await.1;
            if !lane(&v, "telegram")["last_failure"].is_null() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let tg = lane(&v, "telegram");
        assert!(tg["last_failure"].is_string(), "{v}");
        assert!(tg["retried"].as_u64() >= Some(1), "{v}");
        assert!(
            tg["last_error"].as_str().is_some_and(|e| !e.is_empty()),
            "{v}"
        );
        assert!(
            !tg["last_error"].as_str().unwrap_or("").contains(TOKEN),
            "{v}"
        );
        assert!(
            v["outbox"]["pending"].as_i64() >= Some(1),
            "waiting for its retry: {v}"
        );
        assert_eq!(
            v["ready"], true,
            "a struggling platform is not the instance failing"
        );
        let platforms = v["outbox"]["platforms"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(platforms.iter().any(|p| p["platform"] == "telegram"), "{v}");
        t.shutdown().await;
    })
    .await;
}

async fn get(app: &axum::Router, path: &str) -> (u16, Value) {
    let r = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_while_the_database_cannot_be_written_and_recovers() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("yunqi.db");
        let limit = PageLimit::new(1 << 30);
        let store = Arc::new(
            SqliteStore::open_limited(path.to_str().unwrap(), limit.clone())
                .await
                .unwrap(),
        );
        let (core, _writer) = Core::start(
            store.clone(),
            Engine::new(EngineConfig::default()),
            Arc::new(SystemClock),
        );
        let app = yunqi::ready::router(yunqi::ready::ReadyState {
            store: store.clone(),
            health: core.health(),
            deliveries: Arc::new(DeliveryLog::default()),
            clock: Arc::new(SystemClock),
            lanes: vec![Platform::Console],
        });
        assert_eq!(get(&app, "/readyz").await.0, 200);

        limit.set(store.page_count().await.unwrap() as u64 + 2);
        let mut i = 0;
        loop {
            i += 1;
            assert!(i < 20_000, "the limit never made a write fail");
            let user = UserRef::new(Platform::Console, format!("user{i}"));
            if core.set_locale(user, Locale::En).await.is_err() {
                break;
            }
        }
        let (status, v) = get(&app, "/readyz").await;
        assert_eq!(status, 503, "{v}");
        assert_eq!(v["ready"], false);
        assert_eq!(v["database"]["writable"], false);
        assert!(
            v["database"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("full")),
            "{v}"
        );

        limit.set(1 << 30);
        let mut back = false;
        for _ in 0..100 {
            if get(&app, "/readyz").await.0 == 200 {
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(back, "ready again within 10 s of space returning");
    })
    .await
    .expect("bounded");
}
