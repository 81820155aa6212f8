//! `[announce]` channels and config salons with a `key` (issue 11): posted and created
//! once, also across a restart.

use crate::on_sqlite::common::*;

const INLINE: &str =
    "/newsalon title=第三期 start=\"2026-12-19 14:00\" end=17:00 place=云栖小镇 capacity=30";

fn announcing() -> yunqi_bot::EngineConfig {
    use yunqi_bot::message::Recipient;
    use yunqi_bot::Platform;
    let channel = |p: Platform, c: &str| Recipient {
        user: yunqi_bot::UserRef::new(p, c),
        conversation: Some(c.to_string()),
    };
    yunqi_bot::EngineConfig {
        announce: vec![
            channel(Platform::Wecom, "robot"),
            channel(Platform::Slack, "C0COMMUNITY"),
            channel(Platform::Telegram, "-100200300"),
        ],
        ..engine_config()
    }
}

async fn channel_rows(h: &Harness) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT platform, conversation FROM outbox WHERE conversation IS NOT NULL ORDER BY id",
    )
    .fetch_all(h.store.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn keyed_config_salons_are_created_once_and_announced_once_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yunqi.db");
    let mut second = salon(10, 0);
    second.title.zh = "第二期沙龙".into();
    let keyed = vec![(Some("2026-12-salon-2".to_string()), second.clone())];
    {
        let h = harness!(Harness::open_with(&path, t0(), announcing()));
        h.core.seed(vec![salon(5, 0)]).await.unwrap();
        h.core.add_salons(keyed.clone()).await.unwrap();
        let rows = channel_rows(&h).await;
        assert_eq!(
            rows,
            [
                ("wecom", "robot"),
                ("slack", "C0COMMUNITY"),
                ("telegram", "-100200300")
            ]
            .map(|(p, c)| (p.to_string(), c.to_string()))
        );
        let posted = h.sent().await;
        let post = posted.iter().find(|s| s.to == "slack:C0COMMUNITY").unwrap();
        assert!(post.text.contains("第二期沙龙") && post.text.contains("Register: /register 2"));
        assert_eq!(post.commands, ["/register 2"]);
        assert!(!post.reply.private, "posted in the channel, not privately");
        // A chat edit wins over the config entry afterwards.
        h.ask("admin", "/editsalon 2 capacity=12").await;
        drop(h);
    }
    let h = harness!(Harness::open_with(&path, t0(), announcing()));
    h.core.seed(vec![salon(5, 0)]).await.unwrap();
    h.core.add_salons(keyed).await.unwrap();
    assert_eq!(channel_rows(&h).await.len(), 3, "nothing posted twice");
    let capacity: i64 =
        sqlx::query_scalar("SELECT capacity FROM salons WHERE key = '2026-12-salon-2'")
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    assert_eq!(capacity, 12, "the edit stays");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM salons")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(count, 2);

    // A salon made in chat is announced; reopening it announces it again.
    let made = h.say("admin", INLINE).await;
    assert_eq!(made.iter().filter(|s| s.to == "wecom:robot").count(), 1);
    h.ask("admin", "/closesalon 3").await;
    let reopened = h.say("admin", "/opensalon 3").await;
    assert_eq!(
        reopened
            .iter()
            .filter(|s| s.reply.text.contains("📣"))
            .count(),
        3
    );
}
