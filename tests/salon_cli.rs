//! Salons as a series through the real executable: `/newsalon` by dialogue and inline in
//! a piped console, `/mine`, and `yunqi salon add|list`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn yunqi(dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunqi"))
        .current_dir(dir)
        .args(["--db", "yunqi.db"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("yunqi runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "yunqi {args:?} hangs"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "yunqi {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_organizer_creates_salons_by_dialogue_and_inline_and_a_member_sees_them_in_mine() {
    let dir = tempfile::tempdir().unwrap();
    let dialogue = "/newsalon\n第二期线下沙龙\n2030-03-16 14:00\n17:00\n云栖小镇\n0\n30\n3\nmanual\n14:00-14:30 签到\n14:30-17:00 座谈\n-\n-\n";
    let out = yunqi(dir.path(), &["console", "--as", "admin"], dialogue);
    assert!(
        out.contains("名额必须是正整数"),
        "re-asked with a reason: {out}"
    );
    assert!(out.contains("沙龙 #2 已创建"), "{out}");

    let copy = "/newsalon copy=2 start=\"2030-04-20 14:00\" end=17:00\n/salons all\n";
    let out = yunqi(dir.path(), &["console", "--as", "admin"], copy);
    assert!(out.contains("沙龙 #3 已创建：第三期线下沙龙"), "{out}");
    assert!(
        out.contains("#3 第三期线下沙龙") && out.contains("已占 0/30"),
        "{out}"
    );

    let out = yunqi(
        dir.path(),
        &["console", "--as", "bob", "--locale", "en"],
        "/register 3 name=Bob phone=13800001234 position=dev years=5\n/mine\n",
    );
    assert!(out.contains("My registrations:"), "{out}");
    assert!(
        out.contains("#3 第三期线下沙龙") && out.contains("[pending]"),
        "{out}"
    );

    let out = yunqi(dir.path(), &["salon", "list"], "");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("id\tstart\tstatus\theld/capacity\twaitlist\ttitle")
    );
    assert!(
        out.contains("3\t2030-04-20 14:00\topen\t0/30\t0\t第三期线下沙龙"),
        "{out}"
    );
}

#[test]
fn salon_add_reads_one_entry_from_a_file_and_a_key_is_created_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("salon.toml");
    std::fs::write(
        &file,
        "key = \"2030-05-salon\"\ntitle_zh = \"五月沙龙\"\nvenue_zh = \"云栖小镇\"\ndate = \"2030-05-18\"\nstart = \"14:00\"\nend = \"17:00\"\ncapacity = 12\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = yunqi(dir.path(), &["salon", "add", "--file", path], "");
    assert!(out.contains("created salon #2"), "{out}");
    let out = yunqi(dir.path(), &["salon", "add", "--file", path], "");
    assert!(out.contains("exists already"), "{out}");
    let list = yunqi(dir.path(), &["salon", "list"], "");
    assert_eq!(
        list.lines().count(),
        3,
        "the config salon and the added one: {list}"
    );
    assert!(
        list.contains("2\t2030-05-18 14:00\topen\t0/12\t0\t五月沙龙"),
        "{list}"
    );
}
