//! The operator's commands on PostgreSQL through the real executable: the same `--db` flag
//! with a `postgres://` URL runs `console`, `salon add|list`, `outbox failed` and the
//! exports as on SQLite. Skipped (with a message) without `YUNQI_TEST_PG`.

use crate::proc_support::*;

fn ok(out: &std::process::Output, what: &str) -> String {
    assert!(out.status.success(), "{what} failed: {}", text(&out.stderr));
    text(&out.stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_salons_outbox_and_exports_run_on_postgresql() {
    let Some(db) = testkit::pg::fresh_db().await else {
        return;
    };
    tokio::task::block_in_place(|| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("salon.toml");
        std::fs::write(
            &file,
            "key = \"2030-05-salon\"\ntitle_zh = \"五月沙龙\"\nvenue_zh = \"云栖小镇\"\ndate = \"2030-05-18\"\nstart = \"14:00\"\nend = \"17:00\"\ncapacity = 12\nmin_years = 0\nauto_approve = true\n",
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let out = ok(
            &run_db(d, &db, &["salon", "add", "--file", path], ""),
            "salon add",
        );
        assert!(out.contains("created salon #2"), "{out}");
        let out = ok(
            &run_db(d, &db, &["salon", "add", "--file", path], ""),
            "salon add",
        );
        assert!(out.contains("exists already"), "{out}");

        let chat = "/register 2 name=王五 phone=13700000000 position=后端 years=6\n/quit\n";
        let out = ok(
            &run_db(d, &db, &["console", "--as", "wangwu"], chat),
            "console",
        );
        assert!(out.contains("已通过"), "{out}");

        let list = ok(&run_db(d, &db, &["salon", "list"], ""), "salon list");
        assert!(list.contains("\t1/12\t0\t五月沙龙"), "{list}");
        let csv = ok(&run_db(d, &db, &["export", "salon", "2"], ""), "export");
        assert!(csv.contains("王五"), "{csv}");
        let failed = ok(&run_db(d, &db, &["outbox", "failed"], ""), "outbox failed");
        assert_eq!(failed.lines().count(), 1, "only the header: {failed}");

        // `backup` copies a SQLite file: on PostgreSQL it says what to use instead.
        let out = run_db(d, &db, &["backup", "b.db"], "");
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains("pg_dump"),
            "{}",
            text(&out.stderr)
        );
    });
}
