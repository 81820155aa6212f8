//! `/healthz` fails while the database cannot be written (a full disk) and recovers by
//! itself, without user traffic, when space returns.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use yunqi::http::{router, HttpState};
use yunqi_bot::ports::SystemClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Engine, EngineConfig, Locale, Platform, UserRef};
use yunqi_storage::{PageLimit, SqliteStore};

async fn health(app: &axum::Router) -> (u16, String) {
    let r = app
        .clone()
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_fails_while_writes_fail_and_recovers_when_space_returns() {
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
        let app = router(
            HttpState {
                store: store.clone(),
                health: core.health(),
            },
            axum::Router::new(),
        );
        assert_eq!(health(&app).await, (200, "ok".into()));

        let pages = store.page_count().await.unwrap();
        limit.set(pages as u64 + 2);
        let mut i = 0;
        loop {
            i += 1;
            assert!(i < 20_000, "the limit never made a write fail");
            let user = UserRef::new(Platform::Console, format!("user{i}"));
            if core.set_locale(user, Locale::En).await.is_err() {
                break;
            }
        }
        let (status, body) = health(&app).await;
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("full"), "{body}");

        // Space returns; nobody writes: the writer's probe finds out.
        limit.set(1 << 30);
        let mut healthy = false;
        for _ in 0..100 {
            if health(&app).await.0 == 200 {
                healthy = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(healthy, "healthz recovered within 10 s");
        let user = UserRef::new(Platform::Console, "after");
        core.set_locale(user, Locale::En).await.unwrap();
    })
    .await
    .expect("bounded");
}
