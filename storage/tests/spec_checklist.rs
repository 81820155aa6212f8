//! The acceptance checklist, disputes and the Markdown export through the real core and
//! SQLite (issue 17).

use crate::on_sqlite::common::*;

/// Job 1 posted inline with three criteria, `dev` applied and assigned.
async fn assigned(h: &Harness) {
    h.say(
        "client",
        r#"/post kind=web title="预约系统" goal="顾客在线预约" tags=web budget=5k-8k deadline=30d acceptance="手机上能预约; 店员收到微信通知; 提供部署文档""#,
    )
    .await;
    h.ask("dev", "/apply 1 我来").await;
    assert!(h.ask("client", "/assign 1 dev").await.contains("已指派"));
}

#[tokio::test]
async fn items_are_delivered_one_by_one_rejected_with_a_reason_re_delivered_and_accepted() {
    let h = harness!(Harness::new(vec![]));
    assigned(&h).await;
    let first = h.ask("dev", "/deliver 1").await;
    assert!(first.contains("验收项 1/3：手机上能预约"), "{first}");
    assert!(h
        .ask("dev", "录屏 https://example.com/v1")
        .await
        .contains("验收项 2/3"));
    // An empty answer asks the same item again.
    assert!(h.ask("dev", " ").await.contains("验收项 2/3"));
    h.ask("dev", "截图 https://example.com/s2").await;
    let sent = h.say("dev", "docs/deploy.md").await;
    let to_client = sent.iter().find(|s| s.to == "console:client").unwrap();
    assert!(
        to_client.text.contains("1. [🟡 待验收] 手机上能预约"),
        "{}",
        to_client.text
    );
    assert!(
        to_client.text.contains("证据: docs/deploy.md"),
        "{}",
        to_client.text
    );
    assert_eq!(to_client.commands, vec!["/accept 1"]);
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("已通知需求方")));

    assert!(h
        .ask("client", "/验收 1 1")
        .await
        .contains("还有 2 项未验收"));
    let sent = h.say("client", "/退回 1 2 通知没有收到").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:client" && s.text.contains("已退回需求 #1 的验收项 2")));
    let back = sent.iter().find(|s| s.to == "console:dev").unwrap();
    assert!(
        back.text.contains("原因：通知没有收到") && back.text.contains("/交付 1 2"),
        "{}",
        back.text
    );
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "assigned", "a rejected item sends the job back");
    assert!(h
        .ask("client", "/accept 1 2")
        .await
        .contains("还没有提交证据"));
    assert!(
        h.ask("client", "/accept 1").await.contains("不能变为"),
        "not delivered while an item is back with the developer"
    );

    let sent = h
        .say("dev", "/deliver 1 2 已修复 https://example.com/v2")
        .await;
    let again = sent.iter().find(|s| s.to == "console:client").unwrap();
    assert!(
        again.text.contains("2. [🟡 待验收] 店员收到微信通知"),
        "{}",
        again.text
    );
    assert!(again.text.contains("1. [✅ 已验收]"), "{}", again.text);
    h.ask("client", "/accept 1 2").await;
    let sent = h.say("client", "/accept 1 3").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:client" && s.text.contains("已验收")));
    assert!(
        sent.iter().any(|s| s.to == "console:dev"),
        "the developer hears of it"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "accepted");
    let profile = h.ask("dev", "/profile").await;
    assert!(profile.contains("按期验收：1/1（100%）"), "{profile}");
}

#[tokio::test]
async fn a_dispute_reaches_operators_with_the_checklist_and_a_resolution_reaches_both_sides() {
    let mut cfg = engine_config();
    cfg.jobs.operators.insert(console("op"));
    let h = harness!(Harness::with_config(vec![], cfg));
    assigned(&h).await;
    assert!(h
        .ask("stranger", "/dispute 1 x")
        .await
        .contains("只有需求的客户"));
    h.ask("dev", "/deliver 1 1 https://example.com/v1").await;
    let sent = h.say("client", "/争议 1 开发者失联").await;
    let op = sent
        .iter()
        .find(|s| s.to == "console:op")
        .expect("operators are told");
    assert!(
        op.text.contains("开发者失联") && op.text.contains("1. [🟡 待验收] 手机上能预约"),
        "{}",
        op.text
    );
    assert!(op.text.contains("2. [⬜ 待提交]"), "{}", op.text);
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("开发者失联")));
    assert!(h
        .ask("dev", "/dispute 1 again")
        .await
        .contains("已有待处理的争议"));
    assert!(h
        .ask("client", "/resolve 1 accepted ok")
        .await
        .contains("只有运营"));
    let sent = h.say("op", "/裁决 1 reopened 请在一周内补齐").await;
    for who in ["console:op", "console:client", "console:dev"] {
        assert!(
            sent.iter()
                .any(|s| s.to == who && s.text.contains("请在一周内补齐")),
            "{who}: {sent:?}"
        );
    }
    assert!(h
        .ask("op", "/resolve 1 accepted x")
        .await
        .contains("没有待处理的争议"));
    h.ask("client", "/dispute 1 还是不行").await;
    let sent = h.say("op", "/resolve 1 accepted 已线下确认").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("视为验收通过")));
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "accepted");
    let accepted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM acceptance_items WHERE job_id = 1 AND status = 'accepted'",
    )
    .fetch_one(h.store.pool())
    .await
    .unwrap();
    assert_eq!(accepted, 3);
}

#[tokio::test]
async fn the_markdown_export_has_sections_the_checklist_with_status_the_changelog_and_public_qa() {
    let h = harness!(Harness::new(vec![]));
    assigned(&h).await;
    h.ask("other", "/ask 1 @scope 需要管理员导出吗？").await;
    h.ask("client", "/answer 1 要").await;
    h.ask("other", "/ask 1 private 私下问一句").await;
    h.ask("dev", "/deliver 1 1 https://example.com/v1").await;
    h.ask("client", "/accept 1 1").await;
    h.ask("dev", "/deliver 1 2 截图").await;
    h.ask("client", "/退回 1 2 没收到").await;
    let md = h
        .store
        .export_spec(1, yunqi_bot::Locale::Zh)
        .await
        .unwrap()
        .unwrap();
    assert!(md.starts_with("# 需求 #1 预约系统\n"), "{md}");
    assert!(md.contains("## 目标\n\n顾客在线预约"), "{md}");
    assert!(
        md.contains("- [x] 1. 手机上能预约 — ✅ 已验收\n  - 证据: https://example.com/v1"),
        "{md}"
    );
    assert!(md.contains("- [ ] 2. 店员收到微信通知 — ❌ 已退回"), "{md}");
    assert!(md.contains("  - 退回原因: 没收到"), "{md}");
    assert!(md.contains("- [ ] 3. 提供部署文档 — ⬜ 待提交"), "{md}");
    assert!(md.contains("- v2 scope_in: added '要' — Q#1"), "{md}");
    assert!(
        md.contains("**问：** 需要管理员导出吗？\n\n答： 要"),
        "{md}"
    );
    assert!(
        !md.contains("私下问一句"),
        "private questions stay private: {md}"
    );
    let en = h
        .store
        .export_spec(1, yunqi_bot::Locale::En)
        .await
        .unwrap()
        .unwrap();
    assert!(
        en.contains("## Acceptance criteria") && en.contains("✅ accepted"),
        "{en}"
    );
    assert!(h
        .store
        .export_spec(9, yunqi_bot::Locale::Zh)
        .await
        .unwrap()
        .is_none());
}
