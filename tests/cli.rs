//! The `yunqi` binary as operators and newcomers use it: piped console sessions, a restart
//! in the middle of a dialogue, export, migrate, serve and its shutdown.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn yunqi(dir: &Path, args: &[&str], stdin: &str) -> Output {
    yunqi_bytes(dir, args, stdin.as_bytes())
}

fn yunqi_bytes(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunqi"))
        .current_dir(dir)
        .args(["--db", "yunqi.db"])
        .args(args)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("yunqi runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    // Read stdout and stderr while it runs: debug logs can fill a pipe and block the child.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("yunqi {args:?} did not finish");
        }
    };
    assert!(
        out.status.success(),
        "yunqi {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_registration_dialogue_survives_a_restart_and_the_organizer_sees_it_next_time() {
    let dir = tempfile::tempdir().unwrap();
    // First process: starts registering, answers two questions, then stops (EOF).
    let out = yunqi(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1\n张三\n13800001234\n",
    );
    let first = text(&out.stdout);
    assert!(first.contains("请输入您的职位"), "{first}");
    // Second process on the same file: resumes at the same question.
    let out = yunqi(
        dir.path(),
        &["console", "--as", "alice"],
        "后端工程师\n5年\n",
    );
    let second = text(&out.stdout);
    assert!(
        second.contains("请输入您的工作年限"),
        "position accepted, years asked: {second}"
    );
    assert!(second.contains("等待组织者审核"), "{second}");
    // The organizer's queued notification is printed first, then the approval goes through.
    let out = yunqi(
        dir.path(),
        &["console", "--as", "admin", "--locale", "en"],
        "/approve 1 alice\n",
    );
    let admin = text(&out.stdout);
    let notice = admin
        .find("13800001234")
        .expect("queued notice with the phone, for organizers");
    let approve = admin
        .find("> /approve 1 alice")
        .expect("echo of the piped line");
    assert!(notice < approve, "queued messages come first: {admin}");
    assert!(admin.contains("Approved 1."), "{admin}");
    // Alice gets the approval with the calendar file on her next visit.
    let out = yunqi(dir.path(), &["console", "--as", "alice"], "");
    let alice = text(&out.stdout);
    assert!(
        alice.contains("已通过") && alice.contains("salon-1.ics"),
        "{alice}"
    );
    assert!(dir.path().join("data/files/salon-1.ics").exists());

    // Export: the pinned header, the phone unmasked for organizers.
    let out = yunqi(dir.path(), &["export", "salon", "1"], "");
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,phone,position,years,status,platform,user,registered_at")
    );
    let row = lines.next().expect("one registration");
    assert!(
        row.starts_with("1,张三,13800001234,后端工程师,5,approved,console,alice,20"),
        "{row}"
    );
    assert_eq!(lines.next(), None);
}

#[test]
fn phone_numbers_never_reach_the_logs_even_at_debug_level() {
    let dir = tempfile::tempdir().unwrap();
    let out = yunqi(
        dir.path(),
        &["console", "--as", "bob"],
        "/register 1 name=Bob phone=13912345678 position=dev years=4\n/profile\n",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("139****5678"), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("DEBUG"), "debug logging was on: {stderr}");
    assert!(!stderr.contains("13912345678"), "{stderr}");
    let out = yunqi(dir.path(), &["console", "--as", "admin"], "/attendees 1\n");
    assert!(!text(&out.stderr).contains("13912345678"));
    assert!(
        text(&out.stdout).contains("13912345678"),
        "organizers see it"
    );
}

#[test]
fn migrate_creates_the_database_and_export_of_an_empty_salon_is_just_the_header() {
    let dir = tempfile::tempdir().unwrap();
    yunqi(dir.path(), &["migrate"], "");
    assert!(dir.path().join("yunqi.db").exists());
    let out = yunqi(dir.path(), &["export", "salon", "1"], "");
    assert_eq!(
        text(&out.stdout),
        "id,name,phone,position,years,status,platform,user,registered_at\n"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `yunqi serve` child that is killed if a failing test leaves it running.
struct Server(Option<std::process::Child>);

impl std::ops::Deref for Server {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("child")
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_mut().expect("child")
    }
}

impl Server {
    fn wait_with_output(mut self) -> Output {
        self.0.take().expect("child").wait_with_output().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn serve(dir: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_yunqi"))
        .current_dir(dir)
        .args(["--db", "yunqi.db"])
        .env("YUNQI_HTTP__BIND", format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    Server(Some(child))
}

/// The answer to `GET /healthz`, once the server is up (30 s at most).
fn healthz(port: u16) -> String {
    let start = Instant::now();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            return buf;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGTERM, then the exit status (20 s at most).
fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_answers_health_checks_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = serve(dir.path(), port);
    let ok = healthz(port);
    assert!(ok.starts_with("HTTP/1.1 200") && ok.ends_with("ok"), "{ok}");
    let status = terminate(&mut child);
    assert!(
        status.success(),
        "graceful exit: {}",
        text(&child.wait_with_output().stderr)
    );
}

#[test]
fn a_second_serve_on_the_same_database_is_refused_while_console_works_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut first = serve(dir.path(), port);
    assert!(healthz(port).starts_with("HTTP/1.1 200"));

    let mut second = serve(dir.path(), free_port());
    let start = Instant::now();
    while second.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = second.kill();
            panic!("a second serve kept running on the same database");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = second.wait_with_output();
    assert!(!out.status.success(), "a second serve must not start");
    let err = text(&out.stderr);
    assert!(err.contains("already using this database"), "{err}");
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");

    // Chat and export still work beside the running server.
    let out = yunqi(
        dir.path(),
        &["console", "--as", "eve", "--locale", "en"],
        "/salons\n",
    );
    assert!(text(&out.stdout).contains("#1"), "{}", text(&out.stdout));
    yunqi(dir.path(), &["export", "salon", "1"], "");

    assert!(terminate(&mut first).success());
    // Released on exit: the next server starts.
    let port = free_port();
    let mut again = serve(dir.path(), port);
    assert!(healthz(port).starts_with("HTTP/1.1 200"));
    assert!(terminate(&mut again).success());
}

#[test]
fn a_job_is_posted_asked_about_answered_and_its_spec_versioned_across_process_restarts() {
    let dir = tempfile::tempdir().unwrap();
    yunqi(dir.path(), &["console", "--as", "dev"], "/subscribe rust\n");
    // A deadline a year from now: far-off dates (beyond ten years) are refused.
    let deadline = (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let post = format!(
        r#"/post title="Rust CLI tool" description="CSV 转报表" tags=rust,cli budget=5000-8000 deadline={deadline} acceptance="Linux 上能跑""#
    );
    let out = yunqi(
        dir.path(),
        &["console", "--as", "client"],
        &format!("{post}\n"),
    );
    assert!(text(&out.stdout).contains("需求 #1 已发布"));
    let out = yunqi(
        dir.path(),
        &["console", "--as", "dev"],
        "/ask 1 需要支持 Windows 吗？\n",
    );
    let dev = text(&out.stdout);
    assert!(
        dev.contains("📢 新需求 #1 Rust CLI tool"),
        "the queued notification first: {dev}"
    );
    assert!(dev.contains("问题 #1 已转达"), "{dev}");
    let out = yunqi(
        dir.path(),
        &["console", "--as", "client"],
        "/questions\n/answer 1 要，Windows 10 以上\n",
    );
    let client = text(&out.stdout);
    assert!(
        client.contains("❓ 关于需求 #1") && client.contains("[回答] /answer 1"),
        "{client}"
    );
    assert!(client.contains("需求规格更新为 v2"), "{client}");
    let out = yunqi(dir.path(), &["console", "--as", "dev"], "/spec 1\n");
    let dev = text(&out.stdout);
    assert!(
        dev.contains("问：需要支持 Windows 吗？\n答：要，Windows 10 以上"),
        "the answer with its question: {dev}"
    );
    assert!(
        dev.contains("规格 v2") && dev.contains("v2 回答问题 #1"),
        "{dev}"
    );
    let out = yunqi(dir.path(), &["export", "jobs"], "");
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with("id,title,status,client_platform,client_user,tags,"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "1,Rust CLI tool,open,console,client,rust cli,5000,8000,{deadline},,0,"
        )),
        "{csv}"
    );
}

#[test]
fn the_console_answers_a_line_that_is_not_utf8_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = yunqi_bytes(
        dir.path(),
        &["console", "--as", "carol", "--locale", "en"],
        b"\xff\xfe\x1b[31m\n/salons\n",
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Could not read that line"),
        "no answer to the bad line: {stdout}"
    );
    // The chat went on: the next line was handled (the seeded first salon is listed).
    assert!(
        stdout.contains("#1"),
        "the next line was not handled: {stdout}"
    );
}

#[test]
fn the_spec_interview_resumes_after_a_restart_and_the_spec_exports_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let out = yunqi(dir.path(), &["console", "--as", "client"], "/post\nweb\n");
    assert!(
        text(&out.stdout).contains("需求标题"),
        "{}",
        text(&out.stdout)
    );
    // A new process continues at the next question.
    let out = yunqi(dir.path(), &["console", "--as", "client"], "预约系统\n");
    assert!(
        text(&out.stdout).contains("目标："),
        "{}",
        text(&out.stdout)
    );
    // A few lines per process: the helper does not drain the debug log while it waits.
    let mut lines = vec!["顾客在线预约", "web", "5000-8000", "30天"];
    lines.extend(["不确定"; 12]);
    lines.extend(["手机上能预约; 店员收到微信通知", "确定发布"]);
    let mut client = String::new();
    for chunk in lines.chunks(3) {
        let input = chunk.iter().map(|l| format!("{l}\n")).collect::<String>();
        let out = yunqi(dir.path(), &["console", "--as", "client"], &input);
        client += &text(&out.stdout);
    }
    assert!(
        client.contains("就绪度") && client.contains("需求 #1 已发布"),
        "{client}"
    );
    let out = yunqi(dir.path(), &["export", "spec", "1"], "");
    let md = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(md.starts_with("# 需求 #1 预约系统"), "{md}");
    assert!(md.contains("- [ ] 2. 店员收到微信通知"), "{md}");
    assert!(md.contains("## 待明确"), "{md}");
}
