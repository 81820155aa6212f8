//! `[http]` limits (issue 14 item 5): clients that send half a header, nothing at all, or
//! a body slower than the timeouts are dropped, and `/healthz` keeps answering while
//! hundreds of them are held against a process with a low open-file limit.

use crate::common;
use crate::slack_support::{sign, slack_toml, FakeSlack, SECRET};
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: &str = "[http]\nheader_timeout = \"1s\"\nbody_timeout = \"1s\"\nidle_timeout = \"2s\"\nmax_connections = 64\n";

/// How long until the server closes `s` (reads to EOF or an error), at most `bound`.
async fn closed_after(mut s: TcpStream, bound: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        let left = bound.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_dropped_within_the_timeouts() {
    let (fake, _sockets) = FakeSlack::start().await;
    let t = common::spawn_app(&format!("{LIMITS}\n{}", slack_toml(&fake, false))).await;
    let addr = t.running.addr;
    let mut held = Vec::new();
    for i in 0..30 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        match i % 3 {
            // Half a header, never finished.
            0 => s
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap(),
            // A complete, signed header, then a body that stops after 10 of its bytes.
            1 => {
                let body = format!(
                    "command=%2Fyunqi&text=help&user_id=U{i}&{}",
                    "x".repeat(150)
                );
                let (ts, sig) = sign(SECRET, &body, 0);
                let head = format!(
                    "POST /webhooks/slack/commands HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig}\r\nContent-Length: {}\r\n\r\n{}",
                    body.len(),
                    &body[..10]
                );
                s.write_all(head.as_bytes()).await.unwrap()
            }
            // Connected, silent.
            _ => {}
        }
        held.push(s);
    }
    let bound = Duration::from_secs(6);
    let waits = futures::future::join_all(held.into_iter().map(|s| closed_after(s, bound))).await;
    let dropped: Vec<Duration> = waits.iter().flatten().copied().collect();
    let slowest = dropped.iter().max().copied().unwrap_or_default();
    eprintln!(
        "slow clients dropped within {bound:?}: {}/30, slowest after {slowest:?}",
        dropped.len()
    );
    assert_eq!(dropped.len(), 30, "every slow client is dropped: {waits:?}");
    assert!(slowest < Duration::from_millis(3500), "{waits:?}");
    // The server still answers.
    let r = t
        .http
        .get(format!("{}/healthz", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    t.shutdown().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET /healthz` on a fresh connection: the answer's first line, or None after `bound`.
fn healthz_within(port: u16, bound: Duration) -> Option<String> {
    let start = Instant::now();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, bound).ok()?;
    s.set_read_timeout(Some(
        bound
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(1)),
    ))
    .ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    text.lines().next().map(str::to_string)
}

/// The real executable under `ulimit -n 96`: 300 half-sent connections would take every
/// descriptor; the connection cap keeps some free and the header timeout frees the rest.
#[test]
fn healthz_keeps_answering_while_hundreds_of_slow_clients_are_held() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = std::process::Command::new("prlimit")
        .arg("--nofile=96")
        .arg(env!("CARGO_BIN_EXE_yunqi"))
        .args(["--db", "yunqi.db"])
        .current_dir(dir.path())
        .env("YUNQI_HTTP__BIND", format!("127.0.0.1:{port}"))
        .env("YUNQI_HTTP__HEADER_TIMEOUT", "2s")
        .env("YUNQI_HTTP__MAX_CONNECTIONS", "48")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let up = Instant::now();
    while healthz_within(port, Duration::from_secs(2)).is_none() {
        assert!(
            up.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // 300 half-sent requests (a connect the full backlog leaves hanging gives up).
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut held = Vec::new();
    for _ in 0..300 {
        if let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
            held.push(s);
        }
    }
    eprintln!("slow clients connected: {}", held.len());
    let start = Instant::now();
    let answer = healthz_within(port, Duration::from_secs(8));
    let took = start.elapsed();
    eprintln!("healthz with 300 slow clients held: {answer:?} after {took:?}");
    let _ = child.kill();
    let _ = child.wait();
    drop(held);
    assert_eq!(answer.as_deref(), Some("HTTP/1.1 200 OK"), "after {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
