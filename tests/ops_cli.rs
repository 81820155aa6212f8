//! Operator commands against a running `yunqi serve` child: backup.

use crate::proc_support::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn backup_runs_beside_a_running_server_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), None);
    let out = run(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1 name=张三 phone=13800001234 position=dev years=5\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(dir.path(), &["backup", "copy.db"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("quick_check ok"),
        "{}",
        text(&out.stdout)
    );
    let copy = dir.path().join("copy.db");
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // A second backup to the same file is refused and leaves it as it was.
    let before = std::fs::read(&copy).unwrap();
    let out = run(dir.path(), &["backup", "copy.db"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    server.terminate();

    // Restore: the copy in place of the database, the registration is there.
    std::fs::rename(&copy, dir.path().join("yunqi.db")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("yunqi.db{suffix}")));
    }
    let out = run(dir.path(), &["export", "salon", "1"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("13800001234"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_misspelt_config_key_stops_the_program_with_its_name_and_section() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[slack]\nbot_tokn = \"xoxb-secret\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--config", "bad.toml", "migrate"], "");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("unknown key `bot_tokn` in [slack]"), "{err}");
    assert!(!err.contains("xoxb-secret"), "{err}");
    assert!(!dir.path().join("yunqi.db").exists(), "nothing ran");
}

#[test]
fn a_half_filled_platform_section_is_logged_as_a_warning_in_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("half.toml"),
        "[log]\nformat = \"json\"\n\n[discord]\ntoken = \"very-secret\"\n",
    )
    .unwrap();
    let out = run(dir.path(), &["--config", "half.toml", "migrate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let warning = err
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["level"] == "WARN")
        .unwrap_or_else(|| panic!("a JSON warning line: {err}"));
    assert_eq!(
        warning["message"],
        "[discord] is incomplete, missing application_id: the discord adapter stays off"
    );
    assert!(!err.contains("very-secret"), "{err}");
}

#[test]
fn failed_deliveries_are_listed_masked_and_queued_again_beside_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1 name=张三 phone=13800001234 position=dev years=5\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Nothing failed yet.
    let out = run(dir.path(), &["outbox", "failed"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "id\tplatform\trecipient\tkind\treason\tfailed_at\n"
    );

    // The organizer's notice (with buttons) fails for good (recorded as the dispatcher would).
    let conn = format!("sqlite://{}", dir.path().join("yunqi.db").display());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use yunqi_bot::ports::{Delivery, Settlement, Store};
        let store = yunqi_storage::SqliteStore::open(&conn).await.unwrap();
        let now = chrono::Utc::now();
        let due = store
            .outbox_due(yunqi_bot::Platform::Console, Some("admin"), &[], now, 10)
            .await
            .unwrap();
        assert!(!due.is_empty());
        let settled: Vec<Settlement> = due
            .iter()
            .map(|r| Settlement {
                id: r.id,
                attempts: 1,
                outcome: Delivery::Failed {
                    error: "user_not_found".into(),
                },
                at: now,
                retry_at: now,
                progress: Default::default(),
            })
            .collect();
        store.outbox_settle(&settled[..1]).await.unwrap();
        store.close().await;
    });
    let server = serve(dir.path(), None);
    let out = run(dir.path(), &["outbox", "failed"], "");
    let listed = text(&out.stdout);
    let line = listed.lines().nth(1).unwrap_or_else(|| panic!("{listed}"));
    let cols: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &cols[1..5],
        ["console", "***", "buttons", "user_not_found"],
        "{line}"
    );
    assert!(cols[5].ends_with("UTC"), "{line}");
    assert!(!listed.contains("admin"), "recipient masked: {listed}");
    let id = cols[0].to_string();

    let out = run(dir.path(), &["outbox", "retry", "999999"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no failed delivery"),
        "{}",
        text(&out.stderr)
    );
    let out = run(dir.path(), &["outbox", "retry", &id], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "1 message(s) queued again");
    let out = run(dir.path(), &["outbox", "failed"], "");
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "{}",
        text(&out.stdout)
    );
    let out = run(dir.path(), &["outbox", "retry", "all"], "");
    assert_eq!(text(&out.stdout).trim(), "0 message(s) queued again");
    server.terminate();
}
