//! `/metrics` in Prometheus text through the real router: inbound events by platform and
//! kind, deliveries by platform and outcome, the outbox backlog, the writer's group size
//! and commit latency, HTTP requests by route and status.

use crate::common;
use crate::telegram_support::*;
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::SystemClock;

#[tokio::test]
async fn metrics_carry_the_labelled_series_an_operator_graphs() {
    bounded(async {
        let fake = Fake::start().await;
        let t = common::spawn_app_with(&telegram_toml(&fake, ""), Arc::new(SystemClock)).await;
        fake.user_says(MEMBER, "/salons");
        until("the answer delivered", || !fake.texts(MEMBER).is_empty()).await;
        let health = t
            .http
            .get(format!("{}/healthz", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        let missing = t
            .http
            .get(format!("{}/no/such/{}", t.base, 12345))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        // A path with an id is counted under its route's template, not one series per id.
        t.http
            .get(format!("{}/admin/salons/42", t.base))
            .send()
            .await
            .unwrap();

        let wanted = [
            r#"yunqi_inbound_events_total{platform="telegram",kind="text"}"#,
            r#"yunqi_deliveries_total{platform="telegram",outcome="sent"}"#,
            r#"yunqi_outbox_backlog{platform="telegram"}"#,
            "yunqi_writer_group_size_bucket{le=\"1\"}",
            "yunqi_writer_commit_seconds_bucket{le=\"0.005\"}",
            "yunqi_writer_sync_seconds_bucket{le=\"0.005\"}",
            r#"yunqi_http_requests_total{route="/healthz",status="200"}"#,
            r#"yunqi_http_requests_total{route="unmatched",status="404"}"#,
            r#"yunqi_http_requests_total{route="/admin/salons/{id}","#,
            "yunqi_events_total",
        ];
        let mut body = String::new();
        for _ in 0..50 {
            body = t
                .http
                .get(format!("{}/metrics", t.base))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if wanted.iter().all(|w| body.contains(w)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for w in wanted {
            assert!(body.contains(w), "{w} missing:\n{body}");
        }
        assert!(!body.contains("12345"), "no label per scanned URL");
        assert!(!body.contains("/admin/salons/42"), "no label per salon id");
        t.shutdown().await;
    })
    .await;
}
