//! `/stats` (issue 12): the figures, and the chart's series handed to the renderer port.

use super::common::*;
use chrono::{Duration, NaiveDate};
use std::sync::{Arc, Mutex};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{ChartRenderer, Charts, RegistrationChart};
use yunqi_bot::{EngineConfig, UserRef};

/// Records what it was asked to draw.
#[derive(Default)]
struct Recorder(Mutex<Vec<RegistrationChart>>);

impl ChartRenderer for Recorder {
    fn registrations_png(&self, c: &RegistrationChart) -> Option<Vec<u8>> {
        self.0.lock().unwrap().push(c.clone());
        Some(b"\x89PNG\r\n\x1a\nfake".to_vec())
    }
    fn size(&self) -> (u32, u32) {
        (1, 1)
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[tokio::test]
async fn stats_count_statuses_platforms_seats_attendance_and_feedback_with_a_chart() {
    let rec = Arc::new(Recorder::default());
    let cfg = EngineConfig {
        charts: Charts(Some(rec.clone())),
        ..engine_config()
    };
    let h = harness!(Harness::with_config(vec![salon(3, 0)], cfg));
    // Two on Thursday 26th, three on Friday 27th (Shanghai).
    for u in ["a", "b"] {
        h.register(u, 5).await;
    }
    h.advance(Duration::days(1));
    for u in ["c", "d"] {
        h.register(u, 5).await;
    }
    let sam = UserRef::new(Platform::Slack, "U9");
    h.say_as(
        &sam,
        "/register 1 name=Sam phone=13900001111 position=dev years=3",
    )
    .await;
    h.ask("admin", "/approve 1 a b c").await;
    assert!(h.ask("a", "/stats 1").await.contains("只有组织者"));

    // During the salon (t0 + 53 h) a and b check in; after the end c is a no-show.
    h.advance(Duration::hours(29));
    h.ask("admin", "/checkin 1 a").await;
    h.ask("admin", "/checkin 1 b").await;
    h.advance(Duration::hours(3));
    h.tick().await;
    h.ask("a", "5").await;
    h.ask("b", "3").await;

    let sent = h.say("admin", "/stats 1").await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let s = &sent[0];
    for want in [
        "报名 5：待审核 2 · 已签到 2 · 爽约 1",
        "平台：console 4 · slack 1",
        "已批准 3 / 容量 3",
        "签到 2 · 缺席 1 · 到场率 67%",
        "反馈平均 4.0（2 人）",
        "橙色竖条为活动日",
    ] {
        assert!(s.text.contains(want), "{want}: {}", s.text);
    }
    let a = s.reply.attachment.as_ref().expect("the chart");
    assert!(a.is_image());
    assert_eq!(a.filename, "salon-1-stats.png");
    assert!(a.bytes().unwrap().starts_with(b"\x89PNG"));
    let drawn = rec.0.lock().unwrap().clone();
    assert_eq!(
        drawn,
        vec![RegistrationChart {
            cumulative: vec![(day(26), 2), (day(27), 5), (day(28), 5)],
            capacity: 3,
            salon_day: day(28),
        }]
    );
}

#[tokio::test]
async fn without_a_renderer_stats_answer_in_text_only() {
    let h = harness!(Harness::new(vec![salon(3, 0)]));
    h.register("a", 5).await;
    let sent = h.say("admin", "/stats 1").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].reply.attachment.is_none());
    assert!(
        sent[0].text.contains("报名 1：待审核 1"),
        "{}",
        sent[0].text
    );
    assert!(sent[0].text.contains("到场率 –"), "{}", sent[0].text);
    assert!(!sent[0].text.contains("图："));
    assert!(h.ask("admin", "/stats 9").await.contains('9'));
}
