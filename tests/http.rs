//! The HTTP surface of `yunqi serve`: health and Prometheus metrics.

use crate::common;

#[tokio::test]
async fn health_answers_ok_and_metrics_are_prometheus_text() {
    let t = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        let t = common::spawn_app("").await;
        let r = t
            .http
            .get(format!("{}/healthz", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ok");
        t.app
            .core
            .submit(yunqi_bot::Inbound::text(
                yunqi_bot::UserRef::new(yunqi_bot::Platform::Console, "m"),
                "/salons",
            ))
            .await
            .unwrap();
        let r = t
            .http
            .get(format!("{}/metrics", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        let body = r.text().await.unwrap();
        assert!(body.contains("# TYPE yunqi_events_total counter"), "{body}");
        let events: u64 = body
            .lines()
            .find_map(|l| l.strip_prefix("yunqi_events_total "))
            .unwrap()
            .parse()
            .unwrap();
        assert!(events >= 1);
        assert!(body.contains("yunqi_event_handle_seconds_count"));
        let r = t.http.get(format!("{}/nope", t.base)).send().await.unwrap();
        assert_eq!(r.status(), 404);
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}
