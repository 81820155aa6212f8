//! The web console through the real router: sign-in from chat, CSRF, the guest list,
//! actions going through the core, exports.

use crate::common;
use crate::web_support::*;
use std::sync::Arc;
use yunqi_bot::ports::{Store, Tx, WebTx};

#[tokio::test]
async fn a_link_from_chat_signs_in_once_and_sets_a_strict_cookie() {
    bounded(async {
        let clock = common::manual_clock(chrono::Utc::now());
        let (t, _) = app_with_bob(clock.clone()).await;
        let token = dashboard_token(&t, "admin").await.expect("a link");
        assert_eq!(token.len(), 64);
        // The link opens a page whose button signs in: previews cannot use the token.
        let page = get(&t, "", &format!("/admin/login?token={token}")).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains(&token));
        let r = sign_in_raw(&t, &token).await;
        assert_eq!(r.status(), 303);
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Max-Age=43200",
            "Path=/admin",
        ] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set.contains("Secure"), "http public_url: {set}");
        let cookie = set.split(';').next().unwrap().to_string();
        let home = get(&t, &cookie, "/admin").await;
        assert_eq!(home.status(), 200);
        assert_eq!(home.headers()["cache-control"], "no-store");
        assert_eq!(home.headers()["x-frame-options"], "DENY");
        let csp = home.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        let body = home.text().await.unwrap();
        assert!(body.contains("云栖开发者基地 · 第一期线下沙龙"), "{body}");
        assert!(body.contains("console:admin"));
        // Used once: the same link again is refused with a page saying what to do.
        let again = sign_in_raw(&t, &token).await;
        assert_eq!(again.status(), 401);
        let text = again.text().await.unwrap();
        assert!(text.contains("/后台"), "{text}");
        // A forged token, and no cookie at all.
        assert_eq!(sign_in_raw(&t, &"ab".repeat(32)).await.status(), 401);
        assert_eq!(sign_in_raw(&t, "nonsense").await.status(), 401);
        assert_eq!(get(&t, "", "/admin").await.status(), 401);
        assert_eq!(get(&t, "yunqi_admin=forged", "/admin").await.status(), 401);
        // Expired after 10 minutes.
        let late = dashboard_token(&t, "admin").await.unwrap();
        clock.advance(chrono::Duration::minutes(11));
        assert_eq!(sign_in_raw(&t, &late).await.status(), 401);
        // Signing out ends the session.
        let out = get(&t, &cookie, "/admin/logout").await;
        assert_eq!(out.status(), 200);
        assert_eq!(get(&t, &cookie, "/admin").await.status(), 401);
        t
    })
    .await;
}

#[tokio::test]
async fn members_get_no_link_and_a_lost_role_loses_access_at_the_next_request() {
    bounded(async {
        let (t, _) = app_with_bob(Arc::new(yunqi_bot::ports::SystemClock)).await;
        let answer = say(&t, "bob", "/dashboard").await.join("\n");
        assert!(!answer.contains("token="), "{answer}");
        // A link issued while bob held a role (written as /dashboard would), then the
        // role is gone: signing in works, every page refuses.
        let mut tx = t.app.store.begin().await.unwrap();
        let now = chrono::Utc::now();
        let token = "cd".repeat(32);
        tx.web_token_put(
            &token,
            &console("bob"),
            now + chrono::Duration::minutes(10),
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let cookie = sign_in(&t, &token).await;
        let r = get(&t, &cookie, "/admin").await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        assert_eq!(get(&t, &cookie, "/admin/salons/1").await.status(), 403);
        assert_eq!(
            get(&t, &cookie, "/admin/salons/1/export.csv")
                .await
                .status(),
            403
        );
        t
    })
    .await;
}

#[tokio::test]
async fn the_guest_list_masks_phones_filters_and_refuses_posts_without_the_form_token() {
    bounded(async {
        let (t, _) = app_with_bob(Arc::new(yunqi_bot::ports::SystemClock)).await;
        let token = dashboard_token(&t, "admin").await.unwrap();
        let cookie = sign_in(&t, &token).await;
        let page = get(&t, &cookie, "/admin/salons/1").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("Bob") && html.contains("后端工程师"),
            "{html}"
        );
        assert!(html.contains("<summary>138****5678</summary>"), "{html}");
        assert!(html.contains("data-status=\"pending\""));
        assert!(html.contains("<svg"), "the chart");
        let approved = get(&t, &cookie, "/admin/salons/1?status=approved").await;
        assert!(!approved
            .text()
            .await
            .unwrap()
            .contains("data-user=\"console:bob\""));
        let found = get(&t, &cookie, "/admin/salons/1?q=bo&lang=en").await;
        let found = found.text().await.unwrap();
        assert!(found.contains("data-user=\"console:bob\""));
        assert!(found.contains("Guest list"), "English by ?lang=en");
        // No form token, or another one: 403 and nothing happens.
        let path = "/admin/salons/1/act";
        let r = post(&t, &cookie, path, &[("row", "approve|console:bob")]).await;
        assert_eq!(r.status(), 403);
        let r = post(
            &t,
            &cookie,
            path,
            &[("csrf", "x"), ("row", "approve|console:bob")],
        )
        .await;
        assert_eq!(r.status(), 403);
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows[0].status, "pending");
        t
    })
    .await;
}

#[tokio::test]
async fn approving_on_the_page_is_the_chat_command_and_notifies_the_member_once() {
    bounded(async {
        let (t, screen) = app_with_bob(Arc::new(yunqi_bot::ports::SystemClock)).await;
        let token = dashboard_token(&t, "admin").await.unwrap();
        let cookie = sign_in(&t, &token).await;
        let html = get(&t, &cookie, "/admin/salons/1")
            .await
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&html);
        let form = [
            ("csrf", csrf.as_str()),
            ("n", "0123abcd"),
            ("row", "approve|console:bob"),
        ];
        let r = post(&t, &cookie, "/admin/salons/1/act", &form).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("data-status=\"approved\""), "{page}");
        // The same form sent twice (a reload) has no second effect.
        let again = post(&t, &cookie, "/admin/salons/1/act", &form).await;
        assert!(again.text().await.unwrap().contains("已经处理过"));
        delivered_to(&t, "bob").await;
        let shown = screen.text();
        assert_eq!(shown.matches("已通过！").count(), 1, "{shown}");
        let decisions = t.app.store.decisions(1).await.unwrap();
        let last = decisions.last().unwrap();
        assert_eq!(last.1, "console:admin via web");
        assert_eq!(last.2, "approved");
        // Reject needs a reason; with one it goes through like /reject.
        let r = post(
            &t,
            &cookie,
            "/admin/salons/1/act",
            &[("csrf", &csrf), ("n", "77"), ("row", "reject|console:bob")],
        )
        .await;
        assert!(r.text().await.unwrap().contains("需要填写原因"));
        let r = post(
            &t,
            &cookie,
            "/admin/salons/1/act",
            &[
                ("csrf", &csrf),
                ("n", "78"),
                ("action", "reject"),
                ("u", "console:bob"),
                ("reason", "名额调整"),
            ],
        )
        .await;
        assert!(r.text().await.unwrap().contains("data-status=\"rejected\""));
        t
    })
    .await;
}

#[tokio::test]
async fn exports_are_excel_friendly_csv_and_a_real_xlsx() {
    bounded(async {
        let (t, _) = app_with_bob(Arc::new(yunqi_bot::ports::SystemClock)).await;
        let token = dashboard_token(&t, "admin").await.unwrap();
        let cookie = sign_in(&t, &token).await;
        let csv = get(&t, &cookie, "/admin/salons/1/export.csv").await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("salon-1.csv"));
        let bytes = csv.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), yunqi::export::SALON_HEADER);
        let row = lines.next().unwrap();
        assert!(row.contains("\"=\"\"13812345678\"\"\""), "{row}");
        assert!(row.contains("后端工程师"));
        let x = get(&t, &cookie, "/admin/salons/1/export.xlsx").await;
        assert_eq!(x.status(), 200);
        let bytes = x.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        let mut shared = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
            &mut shared,
        )
        .unwrap();
        assert!(
            shared.contains("13812345678") && shared.contains("Bob"),
            "{shared}"
        );
        assert!(sheet.contains("t=\"s\""), "strings, not numbers");
        let jobs = get(&t, &cookie, "/admin/jobs/export.csv").await;
        let bytes = jobs.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFid,title,status"));
        t
    })
    .await;
}

#[tokio::test]
async fn jobs_are_published_and_people_checked_in_at_the_door_through_the_core() {
    bounded(async {
        let extra = "[jobs]\nmoderation = true\n\n[http]\npublic_url = \"https://console.example.org/\"\n";
        let (t, _) = app_with_screens(Arc::new(yunqi_bot::ports::SystemClock), &[], extra).await;
        say(&t, "bob", "/register 1 name=Bob phone=13812345678 position=后端工程师 years=5").await;
        say(&t, "admin", "/approve 1 bob").await;
        let answer = say(&t, "carol", "/post title=\"命令行工具\" description=\"一个把 CSV 转成 JSON 的命令行工具，需要支持大文件流式处理\" tags=rust,cli budget=5000-8000 deadline=2027-01-31 acceptance=\"附带测试和文档\"").await;
        assert!(!answer.is_empty());
        let answers = say(&t, "admin", "/dashboard").await.join("\n");
        assert!(answers.contains("https://console.example.org/admin/login?token="), "{answers}");
        let token = dashboard_token(&t, "admin").await.unwrap();
        let r = sign_in_raw(&t, &token).await;
        let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(set.contains("; Secure"), "https public_url: {set}");
        let cookie = set.split(';').next().unwrap().to_string();
        // Jobs: the draft waits; publishing it from the page is /publish.
        let html = get(&t, &cookie, "/admin/jobs").await.text().await.unwrap();
        assert!(html.contains("命令行工具") && html.contains("data-job=\"1\""), "{html}");
        let csrf = csrf_of(&html);
        let r = post(&t, &cookie, "/admin/jobs/act", &[("csrf", &csrf), ("n", "a1"), ("job", "1"), ("action", "decline")]).await;
        assert!(r.text().await.unwrap().contains("需要填写原因"));
        let r = post(&t, &cookie, "/admin/jobs/act", &[("csrf", &csrf), ("n", "a2"), ("job", "1"), ("action", "publish")]).await;
        assert_eq!(r.status(), 200);
        let jobs = t.app.store.export_jobs().await.unwrap();
        assert_eq!(jobs[0].status, "open");
        // The door: find by name, one tap checks in.
        let door = get(&t, &cookie, "/admin/salons/1/door?find=bo").await.text().await.unwrap();
        assert!(door.contains("value=\"checkin|console:bob\""), "{door}");
        let r = post(&t, &cookie, "/admin/salons/1/act", &[("csrf", &csrf), ("n", "d1"), ("back", "door"), ("find", "bo"), ("row", "checkin|console:bob")]).await;
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"checked\">1<"), "{page}");
        assert_eq!(t.app.store.export_salon(1).await.unwrap()[0].status, "checked_in");
        t
    })
    .await;
}

#[tokio::test]
async fn salons_are_created_and_edited_from_the_form_with_the_chat_rules() {
    bounded(async {
        let (t, _) = app_with_bob(Arc::new(yunqi_bot::ports::SystemClock)).await;
        let token = dashboard_token(&t, "admin").await.unwrap();
        let cookie = sign_in(&t, &token).await;
        let html = get(&t, &cookie, "/admin/salons/new")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("name=\"start\""), "{html}");
        let csrf = csrf_of(&html);
        let r = post(&t, &cookie, "/admin/salons/new", &[("title", "X")]).await;
        assert_eq!(r.status(), 403, "no form token");
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("n", "a1"),
            ("title", "第二期线下沙龙"),
            ("start", "2027-06-19 14:00"),
            ("end", "13:00"),
            ("place", "杭州云计算产业园"),
            ("capacity", "30"),
            ("min_years", "3"),
            ("approval", "manual"),
            ("agenda", "14:00-14:30 签到\n14:30-17:00 座谈"),
            ("group_link", "-"),
        ];
        // An end before the start: the chat command's reason, the typed values kept.
        let page = post(&t, &cookie, "/admin/salons/new", &form)
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("结束时间必须晚于开始时间"), "{page}");
        assert!(page.contains("value=\"第二期线下沙龙\""), "{page}");
        assert_eq!(get(&t, &cookie, "/admin/salons/2").await.status(), 404);
        form[1] = ("n", "a2");
        form[4] = ("end", "17:00");
        let page = post(&t, &cookie, "/admin/salons/new", &form)
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("#2"), "{page}");
        let salon = get(&t, &cookie, "/admin/salons/2").await;
        assert_eq!(salon.status(), 200);
        let salon = salon.text().await.unwrap();
        assert!(
            salon.contains("第二期线下沙龙") && salon.contains("0/30"),
            "{salon}"
        );
        // Editing sends only what was filled in.
        let edit = [("csrf", csrf.as_str()), ("n", "a3"), ("capacity", "40")];
        let r = post(&t, &cookie, "/admin/salons/2/edit", &edit).await;
        assert_eq!(r.status(), 200);
        let salon = get(&t, &cookie, "/admin/salons/2")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            salon.contains("0/40") && salon.contains("第二期线下沙龙"),
            "{salon}"
        );
        t
    })
    .await;
}
