//! kill -9 of a `yunqi serve` child (no shutdown, no flush), against a fake Telegram on
//! 127.0.0.1: nothing acknowledged is lost, seats are never oversold, and a restart
//! delivers every queued message, re-sending at most the at-least-once window (outcomes
//! are recorded in groups of 32 or every 200 ms: ARCHITECTURE.md, Outbox).
//! The disk-full fault is covered by `storage/tests/disk_full.rs` and `tests/healthz.rs`.

use crate::proc_support::*;
use crate::telegram_support::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// Messages a crash may re-send: one settle group (`SETTLE_BATCH` in runtime/dispatch.rs).
const AT_LEAST_ONCE_WINDOW: usize = 32;

fn config(dir: &Path, fake: &Fake, salon: &str) -> std::path::PathBuf {
    let path = dir.join("fault.toml");
    let toml = format!(
        "[telegram]\ntoken = \"{TOKEN}\"\napi_base = \"{}\"\npoll_timeout = 1\n\n\
         [roles]\norganizers = [\"telegram:{ORGANIZER}\"]\n\n{salon}",
        fake.base
    );
    std::fs::write(&path, toml).expect("config");
    path
}

/// Waits (polling, without blocking the fake's runtime) until `cond`, at most `secs`.
async fn wait_for(what: &str, secs: u64, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Successful sendMessage texts per chat (failed attempts excluded).
fn texts_by_chat(fake: &Fake, chats: &[i64], needle: &str) -> HashMap<i64, usize> {
    chats
        .iter()
        .map(|c| {
            let n = fake.texts(*c).iter().filter(|t| t.contains(needle)).count();
            (*c, n)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_fan_out_through_429_and_500_loses_nothing_and_resends_little() {
    bounded(async {
        let fake = Fake::start().await;
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &fake, &testkit::salon_toml(None));
        let server = tokio::task::block_in_place(|| serve(dir.path(), Some(&cfg)));

        let subscribers: Vec<i64> = (0..40).map(|i| 5_000 + i).collect();
        for s in &subscribers {
            fake.user_says(*s, "/subscribe rust");
        }
        wait_for("every subscription confirmed", 60, || {
            subscribers.iter().all(|s| !fake.texts(*s).is_empty())
        })
        .await;

        // The platform struggles: a 429 with Retry-After, then a 500, then it recovers.
        fake.flood("sendMessage", 1);
        fake.inject(
            "sendMessage",
            500,
            serde_json::json!({"ok": false, "error_code": 500, "description": "Internal Server Error"}),
        );
        let deadline = (chrono::Utc::now() + chrono::Duration::days(60)).format("%Y-%m-%d");
        let post = format!(
            "/post title=\"Fault drill\" description=\"Rust CLI\" tags=rust budget=5000-8000 deadline={deadline} acceptance=\"runs\"\n"
        );
        let out = tokio::task::block_in_place(|| run(dir.path(), &["console", "--as", "client"], &post));
        assert!(text(&out.stdout).contains("已发布"), "{}", text(&out.stdout));

        // kill -9 in the middle of the fan-out.
        wait_for("part of the fan-out delivered", 60, || {
            let got = texts_by_chat(&fake, &subscribers, "Fault drill");
            got.values().filter(|n| **n > 0).count() >= 8
        })
        .await;
        tokio::task::block_in_place(|| server.kill9());
        let before: usize = texts_by_chat(&fake, &subscribers, "Fault drill").values().sum();
        assert!(before < subscribers.len(), "killed before the fan-out finished ({before})");

        let again = tokio::task::block_in_place(|| serve(dir.path(), Some(&cfg)));
        wait_for("every subscriber notified after the restart", 60, || {
            let got = texts_by_chat(&fake, &subscribers, "Fault drill");
            got.values().all(|n| *n >= 1)
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let got = texts_by_chat(&fake, &subscribers, "Fault drill");
        let duplicates: usize = got.values().map(|n| n - 1).sum();
        assert!(
            duplicates <= AT_LEAST_ONCE_WINDOW,
            "{duplicates} duplicates (window {AT_LEAST_ONCE_WINDOW}): {got:?}"
        );
        let failed = fake
            .calls("sendMessage")
            .iter()
            .filter(|c| c.body.get("_failed").is_some())
            .count();
        assert_eq!(failed, 2, "the 429 and the 500 were met");
        eprintln!(
            "fan-out kill -9: {} subscribers, {before} delivered before the kill, {duplicates} duplicates after restart",
            subscribers.len()
        );
        tokio::task::block_in_place(|| again.terminate());
    })
    .await;
}

/// The salon of this test: 20 seats, approved at once, no minimum years.
fn open_salon() -> String {
    testkit::salon_toml(None)
        .replace("min_years = 3", "min_years = 0")
        .replace("auto_approve = false", "auto_approve = true")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_registration_burst_keeps_every_acknowledged_registration_and_the_capacity()
{
    bounded(async {
        let fake = Fake::start().await;
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &fake, &open_salon());
        let server = tokio::task::block_in_place(|| serve(dir.path(), Some(&cfg)));

        let people: Vec<i64> = (0..80).map(|i| 7_000 + i).collect();
        for (i, p) in people.iter().enumerate() {
            fake.user_says(
                *p,
                &format!("/register 1 name=U{i} phone=139{i:08} position=dev years=5"),
            );
        }
        // An answer reaches a person only after their registration committed.
        wait_for("a part of the burst acknowledged", 60, || {
            people.iter().filter(|p| !fake.texts(**p).is_empty()).count() >= 15
        })
        .await;
        tokio::task::block_in_place(|| server.kill9());
        let acked: HashSet<i64> = people
            .iter()
            .copied()
            .filter(|p| !fake.texts(*p).is_empty())
            .collect();
        assert!(acked.len() < people.len(), "killed mid-burst");

        // The restart picks the unconfirmed updates up again (Telegram redelivers them).
        let again = tokio::task::block_in_place(|| serve(dir.path(), Some(&cfg)));
        wait_for("everyone answered after the restart", 60, || {
            people.iter().all(|p| !fake.texts(*p).is_empty())
        })
        .await;
        tokio::task::block_in_place(|| again.terminate());

        let out = tokio::task::block_in_place(|| run(dir.path(), &["export", "salon", "1"], ""));
        assert!(out.status.success(), "{}", text(&out.stderr));
        let csv = text(&out.stdout);
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        let users: Vec<&str> = rows.iter().map(|r| r[7]).collect();
        for p in &acked {
            let id = p.to_string();
            assert!(users.contains(&id.as_str()), "acknowledged {p} lost: {csv}");
        }
        let unique: HashSet<&str> = users.iter().copied().collect();
        assert_eq!(unique.len(), users.len(), "no one registered twice: {csv}");
        assert_eq!(users.len(), people.len(), "{csv}");
        let approved = rows.iter().filter(|r| r[5] == "approved").count();
        assert_eq!(approved, 20, "capacity held, and filled: {csv}");
        eprintln!(
            "registration kill -9: {} acknowledged before the kill, {} registered, {approved} approved of 20 seats",
            acked.len(),
            users.len()
        );
    })
    .await;
}
