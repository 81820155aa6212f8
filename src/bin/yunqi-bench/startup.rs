//! `--startup`: how long `yunqi serve` takes, on the `--dataset` database (100,000
//! members), from spawn to its first `200` on `/healthz` (issue 15: within 100 ms).
//! The server is the `yunqi` next to this executable (or `--server`), started with no
//! platform configured, stopped with SIGTERM after each run, so every run opens the file
//! as an operator's restart would; then once more as after a crash (no clean-close
//! stamp, so the open runs its damage check: storage `open_check.rs`).

use anyhow::{bail, ensure, Context, Result};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use yunqi_storage::SqliteStore;

/// Gives up on a start after this long.
const GIVE_UP: Duration = Duration::from_secs(30);

fn server_binary(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(s) = given {
        return Ok(s.to_path_buf());
    }
    let me = std::env::current_exe()?;
    let path = me.with_file_name(format!("yunqi{}", std::env::consts::EXE_SUFFIX));
    ensure!(
        path.exists(),
        "no server binary at {} (cargo build --release --bin yunqi, or pass --server)",
        path.display()
    );
    Ok(path)
}

/// One `GET /healthz`: the status code, or None while nothing answers.
fn healthz(port: u16) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 16];
    let mut got = 0;
    while got < head.len() {
        match s.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    std::str::from_utf8(&head[..got])
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

fn spawn(bin: &Path, db: &str, dir: &Path, port: u16) -> Result<Child> {
    let config = dir.join("startup.toml");
    std::fs::write(&config, "[roles]\norganizers = []\n")?;
    let log = std::fs::File::create(dir.join("server.log"))?;
    crate::serve_cmd::serve(bin, &config, db, port, log, "info")
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
}

/// Milliseconds from spawn to the first 200 on `/healthz`.
fn one_start(bin: &Path, db: &str, dir: &Path) -> Result<f64> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let t = Instant::now();
    let mut child = spawn(bin, db, dir, port)?;
    let outcome = loop {
        if let Some(status) = child.try_wait()? {
            break Err(anyhow::anyhow!(
                "the server exited during start-up ({status}); see {}",
                dir.join("server.log").display()
            ));
        }
        if healthz(port) == Some(200) {
            break Ok(t.elapsed().as_secs_f64() * 1000.0);
        }
        if t.elapsed() > GIVE_UP {
            break Err(anyhow::anyhow!("no 200 on /healthz in {GIVE_UP:?}"));
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    stop(&mut child);
    outcome
}

/// SIGTERM, as an operator stops it; SIGKILL if it does not go within 10 s.
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

pub async fn run(
    store: &SqliteStore,
    path: &str,
    server: Option<&Path>,
    runs: usize,
) -> Result<()> {
    ensure!(runs > 0, "--runs must be positive");
    super::dataset::ensure_dataset(store, super::dataset::FULL).await?;
    store.close().await;
    let bin = server_binary(server)?;
    let dir = tempfile::tempdir()?;
    println!("yunqi-bench --startup: `{}` serve on {path}", bin.display());
    let mut ms = Vec::with_capacity(runs);
    for i in 0..runs {
        let m = one_start(&bin, path, dir.path())?;
        println!(
            "run {:<2}              {m:.1} ms from spawn to the first 200 on /healthz",
            i + 1
        );
        ms.push(m);
    }
    ms.sort_by(f64::total_cmp);
    let median = super::pct(&ms, 0.5);
    println!("median              {median:.1} ms ({runs} runs; issue 15's target: 100 ms)");
    if median.is_nan() {
        bail!("no run finished");
    }
    // As after a crash: without the clean-close stamp the open runs PRAGMA quick_check.
    let _ = std::fs::remove_file(format!("{path}-clean"));
    let m = one_start(&bin, path, dir.path())?;
    println!("unclean stop        {m:.1} ms (no clean-close stamp: the open checks the file)");
    Ok(())
}
