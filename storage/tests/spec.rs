//! Structured specs through the real core and SQLite (issue 17): the interview of every
//! kind, the readiness score, tagged questions, the acceptance checklist, disputes.

use crate::common::*;
use yunqi_bot::spec::Kind;

/// Runs the whole interview for `kind`, answering "unsure" wherever allowed; returns
/// the review text and how many questions were asked.
async fn interview(h: &Harness, who: &str, kind: &str, unsure: &str) -> (String, usize) {
    let first = h.ask(who, "/post").await;
    assert!(
        first.contains("需求类型") || first.contains("kind of work"),
        "{first}"
    );
    let mut asked = 1;
    for answer in [kind, "预约系统", unsure, "web", "5000-8000", "30天"] {
        let reply = h.ask(who, answer).await;
        asked += 1;
        assert!(!reply.contains("就绪度"), "too early: {reply}");
    }
    loop {
        let reply = h.ask(who, unsure).await;
        if reply.contains("就绪度") || reply.contains("readiness") {
            return (reply, asked);
        }
        assert!(
            reply.contains("不确定") || reply.contains("unsure"),
            "every spec question accepts unsure: {reply}"
        );
        asked += 1;
        assert!(asked < 40, "the interview ends");
    }
}

#[tokio::test]
async fn every_kind_has_its_own_interview_and_unsure_answers_become_open_points() {
    let h = Harness::new(vec![]).await;
    for (i, kind) in Kind::ALL.iter().enumerate() {
        let who = format!("client{i}");
        let (review, asked) = interview(&h, &who, kind.as_str(), "不确定").await;
        let specific = yunqi_bot::spec::interview::details(*kind).len();
        // kind, title, goal, tags, budget, deadline + 8 sections + kind-specific ones.
        assert_eq!(asked, 14 + specific, "{kind:?}: {review}");
        assert!(review.contains("待明确"), "{review}");
        assert!(review.contains("确定发布"), "publish or improve: {review}");
        let done = h.ask(&who, "确定发布").await;
        let id = i + 1;
        assert!(done.contains(&format!("需求 #{id} 已发布")), "{done}");
        assert!(
            done.contains("就绪度"),
            "the score again after publishing: {done}"
        );
        let (open, spec): (i64, String) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM job_specs WHERE job_id = ?1), spec FROM job_specs WHERE job_id = ?1",
        )
        .bind(id as i64)
        .fetch_one(h.store.pool())
        .await
        .unwrap();
        assert_eq!(open, 1);
        let v: serde_json::Value = serde_json::from_str(&spec).unwrap();
        assert_eq!(v["kind"], kind.as_str());
        // Goal + 8 sections… minus none: every one of them was unsure.
        assert_eq!(
            v["open"].as_array().unwrap().len(),
            9 + specific,
            "{kind:?}: {v}"
        );
        let shown = h.ask("dev", &format!("/job {id}")).await;
        assert!(
            shown.contains(&format!("待明确 {} 项", 9 + specific)),
            "developers see the open points: {shown}"
        );
    }
}

#[tokio::test]
async fn the_review_shows_what_lowers_the_score_and_improving_raises_it() {
    let h = Harness::new(vec![]).await;
    h.ask("c", "/lang en").await;
    let (review, _) = interview(&h, "c", "web", "unsure").await;
    assert!(review.contains("Spec readiness: "), "{review}");
    assert!(review.contains("Goal is missing"), "{review}");
    assert!(review.contains("→ Add one line of goal"), "{review}");
    let score = |t: &str| -> u32 {
        let s = t.split("Spec readiness: ").nth(1).unwrap();
        s.split('/').next().unwrap().parse().unwrap()
    };
    let before = score(&review);
    let better = h
        .ask(
            "c",
            r#"goal="customers book a visit" acceptance="booking works on iOS and Android; staff get an email""#,
        )
        .await;
    assert!(score(&better) > before, "{before} → {better}");
    assert!(!better.contains("Goal is missing"), "{better}");
    // A field name asks that question again; the answer returns to the review.
    assert!(h.ask("c", "scope_out").await.contains("Out of scope"));
    let again = h.ask("c", "no payments").await;
    assert!(again.contains("Spec readiness"), "{again}");
    assert!(h.ask("c", "hmm").await.contains("did not understand"));
    assert!(h.ask("c", "ok").await.contains("Job #1 is published"));
}

#[tokio::test]
async fn the_inline_form_takes_sections_and_subscribers_see_the_score() {
    let h = Harness::new(vec![]).await;
    let sent = h.say_as(&console("dev"), "/subscribe web").await;
    assert!(!sent.is_empty());
    let sent = h
        .say(
            "c",
            r#"/post kind=web title="预约系统" goal="顾客在线预约" users="顾客与店员" scope_in="预约页；后台" scope_out="不做支付" deliverables="源码和部署文档" tags=web budget=5k-8k deadline=30d acceptance="好用""#,
        )
        .await;
    let mine: Vec<&str> = sent
        .iter()
        .filter(|s| s.to == "console:c")
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        mine.iter().any(|t| t.contains("需求 #1 已发布")),
        "{mine:?}"
    );
    let report = mine.iter().find(|t| t.contains("就绪度")).unwrap();
    assert!(report.contains("只有 1 条验收标准"), "{report}");
    assert!(report.contains("验收标准 1「好用」无法检查"), "{report}");
    assert!(report.contains("/spec-edit"), "{report}");
    let note = sent.iter().find(|s| s.to == "console:dev").unwrap();
    assert!(note.text.contains("就绪度 "), "{}", note.text);
    let v1: String =
        sqlx::query_scalar("SELECT a FROM spec_versions WHERE job_id = 1 AND version = 1")
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    assert!(
        v1.contains("【范围外（不做）】\n不做支付"),
        "version 1 is the rendered spec: {v1}"
    );
}

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
    let h = Harness::new(vec![]).await;
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
    let h = Harness::with_config(vec![], cfg).await;
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
async fn a_tagged_answer_updates_its_section_in_a_new_version_and_closes_the_open_point() {
    let h = Harness::new(vec![]).await;
    h.say(
        "client",
        r#"/post kind=web title="预约系统" goal="顾客在线预约" scope_in="预约页" integrations="不确定" tags=web budget=5k-8k deadline=30d acceptance="手机上能预约; 店员收到微信通知""#,
    )
    .await;
    let before = h.ask("dev", "/job 1").await;
    assert!(
        before.contains("待明确 1 项（对接集成）") || before.contains("待明确 1 项 (对接集成)"),
        "{before}"
    );
    assert!(h
        .ask("dev", "/ask 1 @scope 需要管理员导出订单吗？")
        .await
        .contains("问题 #1"));
    // Untagged, but obviously about integrations.
    h.ask("dev2", "/ask 1 需要对接现有的 ERP 吗？").await;
    let tags: Vec<(i64, String)> =
        sqlx::query_as("SELECT question_id, section FROM question_sections ORDER BY question_id")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
    assert_eq!(
        tags,
        vec![(1, "scope_in".into()), (2, "integrations".into())]
    );
    let ack = h.ask("client", "/answer 1 要，管理员导出 Excel").await;
    assert!(ack.contains("v2"), "{ack}");
    h.ask("client", "/answer 2 不用对接 ERP").await;
    let spec = h.ask("dev", "/spec 1").await;
    assert!(spec.contains("规格 v3"), "{spec}");
    assert!(
        spec.contains("v2 scope_in: added '要，管理员导出 Excel' — Q#1"),
        "the changelog line: {spec}"
    );
    assert!(
        spec.contains("v3 integrations: added '不用对接 ERP' — Q#2 (closes integrations)"),
        "{spec}"
    );
    assert!(
        spec.contains("【范围（要做）】\n预约页\n要，管理员导出 Excel"),
        "{spec}"
    );
    assert!(
        spec.contains("待明确 0 项"),
        "the open point is closed: {spec}"
    );
    assert!(
        spec.contains("问：需要管理员导出订单吗？\n答：要，管理员导出 Excel"),
        "{spec}"
    );
    let v2 = h.ask("dev", "/spec 1 v2").await;
    assert!(
        v2.contains("待明确 1 项") && !v2.contains("Q#2"),
        "version 2 as it was: {v2}"
    );

    // The client edits a section: a version of its own, followers hear of it.
    let sent = h
        .say("client", r#"/spec-edit 1 scope_out="不做支付""#)
        .await;
    assert!(
        sent.iter().any(|s| s.to == "console:client"
            && s.text.contains("v4")
            && s.text.contains("scope_out: '不做支付' — /spec-edit")),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .any(|s| s.to == "console:dev" && s.text.contains("v4")),
        "followers: {sent:?}"
    );
    assert!(h
        .ask("dev", "/spec-edit 1 goal=x")
        .await
        .contains("只有需求方"));
    assert!(h
        .ask("client", "/spec-edit 1 colour=red")
        .await
        .contains("无法修改"));
    // The next answer numbers after the edit.
    h.ask("dev", "/ask 1 @data 服务列表谁来录入？").await;
    assert!(h.ask("client", "/answer 3 店长录入").await.contains("v5"));
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM job_specs WHERE job_id = 1 ORDER BY version")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
    assert_eq!(versions, vec![1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn the_markdown_export_has_sections_the_checklist_with_status_the_changelog_and_public_qa() {
    let h = Harness::new(vec![]).await;
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
