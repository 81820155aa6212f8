//! Structured specs through the real core and SQLite (issue 17): the interview of every
//! kind, the readiness score, tagged questions, the acceptance checklist, disputes.

use super::common::*;
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
    let h = harness!(Harness::new(vec![]));
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
            "SELECT (SELECT COUNT(*) FROM job_specs WHERE job_id = $1), spec FROM job_specs WHERE job_id = $1",
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
    let h = harness!(Harness::new(vec![]));
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
    let h = harness!(Harness::new(vec![]));
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

#[tokio::test]
async fn a_tagged_answer_updates_its_section_in_a_new_version_and_closes_the_open_point() {
    let h = harness!(Harness::new(vec![]));
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
async fn listing_fields_cannot_be_unsure_and_operators_reviewing_see_the_score() {
    let mut cfg = engine_config();
    cfg.jobs.moderation = true;
    cfg.jobs.operators.insert(console("op"));
    let h = harness!(Harness::with_config(vec![], cfg));
    h.ask("c", "/post").await;
    h.ask("c", "小程序").await;
    h.ask("c", "商城").await;
    h.ask("c", "不确定").await;
    h.ask("c", "miniprogram").await;
    let again = h.ask("c", "不确定").await;
    assert!(
        again.contains("必须填写") && again.contains("预算范围"),
        "{again}"
    );
    let sent = h
        .say(
            "c2",
            r#"/post kind=data title="爬价格" goal="每天抓取竞品价格" tags=python budget=3000 deadline=30d acceptance="每天 9 点生成 Excel; 提供运行文档""#,
        )
        .await;
    let op = sent
        .iter()
        .find(|s| s.to == "console:op")
        .expect("operators review it");
    assert!(op.text.contains("就绪度 "), "{}", op.text);
    assert!(
        sent.iter().any(|s| s.to == "console:c2"
            && s.text.contains("审核通过后发布")
            && s.text.contains("就绪度")),
        "{sent:?}"
    );
}
