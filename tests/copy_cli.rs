//! `yunqi copy --from <sqlite> --to <postgres>`: a community moves to PostgreSQL with its
//! data, ids kept; a second copy into the same database is refused.

use super::cli::{text, yunqi};
use std::process::{Command, Stdio};

fn yunqi_at(dir: &std::path::Path, db: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yunqi"))
        .current_dir(dir)
        .args(["--db", db])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run yunqi")
}

#[tokio::test]
async fn a_registered_member_arrives_in_postgresql_and_a_second_copy_is_refused() {
    let Some(pg) = testkit::pg::fresh_db().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = yunqi(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1\n张三\n13800001234\n后端工程师\n5年\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = yunqi_at(
        dir.path(),
        &pg,
        &["copy", "--from", "yunqi.db", "--to", &pg],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.lines().any(|l| l == "members\t1"), "{report}");
    assert!(report.lines().any(|l| l == "registrations\t1"), "{report}");

    // The export now reads PostgreSQL: alice's registration is there.
    let out = yunqi_at(dir.path(), &pg, &["export", "salon", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.contains("张三") && csv.contains("alice"), "{csv}");

    let out = yunqi_at(
        dir.path(),
        &pg,
        &["copy", "--from", "yunqi.db", "--to", &pg],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not empty"),
        "{}",
        text(&out.stderr)
    );

    // A missing source is an error, not a new empty database copied over.
    let out = yunqi_at(dir.path(), &pg, &["copy", "--from", "nope.db", "--to", &pg]);
    assert!(!out.status.success());
    assert!(!dir.path().join("nope.db").exists());
}
