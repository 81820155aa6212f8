//! `yunqi` child processes for the operations and fault tests: a `serve` that can be
//! killed with SIGKILL, one-shot commands, and raw HTTP on loopback.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A `yunqi serve` child, killed (SIGKILL) when dropped.
pub struct Serve {
    child: Child,
    pub port: u16,
}

/// `yunqi --db yunqi.db [--config cfg.toml] serve` in `dir`, on a free port.
pub fn serve(dir: &Path, config: Option<&Path>) -> Serve {
    serve_db(dir, "yunqi.db", config)
}

/// `serve` on the database `db` (a file in `dir`, or a `postgres://` URL).
pub fn serve_db(dir: &Path, db: &str, config: Option<&Path>) -> Serve {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yunqi"));
    cmd.current_dir(dir).args(["--db", db]);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let child = cmd
        .arg("serve")
        .env("YUNQI_HTTP__BIND", format!("127.0.0.1:{port}"))
        .env("YUNQI_SCHEDULER__TICK_SECONDS", "1")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("yunqi serve starts");
    let s = Serve { child, port };
    s.wait_ready();
    s
}

impl Serve {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while !get(self.port, "/healthz").starts_with("HTTP/1.1 200") {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "serve did not come up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown, no flush — what a power cut or the OOM killer does.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a clean exit (20 s at most).
    pub fn terminate(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no exit on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One raw HTTP/1.1 request; the whole answer (status line, headers, body) or "".
pub fn request(port: u16, method: &str, path: &str, body: &str) -> String {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).is_err() {
        return String::new();
    }
    let mut buf = String::new();
    let _ = s.read_to_string(&mut buf);
    buf
}

pub fn get(port: u16, path: &str) -> String {
    request(port, "GET", path, "")
}

/// `yunqi --db yunqi.db <args>` in `dir` with `stdin`, bounded to 60 s.
pub fn run(dir: &Path, args: &[&str], stdin: &str) -> Output {
    run_db(dir, "yunqi.db", args, stdin)
}

/// `run` on the database `db` (a file in `dir`, or a `postgres://` URL).
pub fn run_db(dir: &Path, db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunqi"))
        .current_dir(dir)
        .args(["--db", db])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("yunqi runs");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin.as_bytes());
    }
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("yunqi {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
