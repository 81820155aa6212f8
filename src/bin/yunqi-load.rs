//! Load benchmark of the real server over Slack HTTP (issue 4):
//!
//! ```text
//! cargo run --release --bin yunqi-load -- --requests 20000 --concurrency 64
//! ```
//!
//! Builds and starts `yunqi serve` (the binary next to this one) as a child process on a
//! fresh SQLite file, with a large auto-approve salon and a tiny fake Slack Web API it runs
//! itself; waits for /healthz; then fires signed `/register 1 name=… phone=… position=…
//! years=…` slash commands from distinct users over keep-alive HTTP/1.1 connections on
//! loopback, checks that every 200 says the registration went through, and reports req/s,
//! p50/p99 latency, errors and the server's peak RSS (VmHWM). The server is then killed
//! with SIGKILL and every registration must be in SQLite: durable before its 200.
//!
//! `--no-build` uses the server binary as it is; `YUNQI_LOAD_SMAPS=<file>` copies the
//! server's `/proc/<pid>/smaps` there after the load (where the memory is).

use anyhow::{anyhow, bail, ensure, Context, Result};
use axum::routing::post;
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use yunqi_adapters::slack::signature::Verifier;

#[path = "yunqi-load/ceiling.rs"]
mod ceiling;
#[path = "yunqi-bench/floor.rs"]
mod floor;
#[path = "yunqi-load/replicas.rs"]
mod replicas;
#[path = "yunqi-bench/serve_cmd.rs"]
mod serve_cmd;

const SECRET: &str = "load-signing-secret";
const PATH: &str = "/webhooks/slack/commands";
/// What the approval answer says (zh, the default locale): the registration went through.
const APPROVED: &str = "已通过";

#[derive(Parser)]
#[command(about = "Load benchmark: signed Slack slash-command registrations against `yunqi serve`")]
struct Args {
    /// Requests (registrations by distinct users).
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// The server binary (default: `yunqi` next to this executable, built first).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Do not run `cargo build` for the server first.
    #[arg(long)]
    no_build: bool,
    /// Keep the temp dir (database, config, server log) and print its path.
    #[arg(long)]
    keep: bool,
    /// Then load, with the same requests, a minimal axum handler in this process
    /// (signature, form, fixed JSON; no database) and print yunqi / ceiling.
    #[arg(long)]
    ceiling: bool,
    /// Run on PostgreSQL: a server URL whose user may create databases (a fresh database
    /// is made for the run and dropped after it).
    #[arg(long)]
    pg: Option<String>,
    /// `yunqi serve` processes on the one database (needs --pg); connections alternate
    /// between them.
    #[arg(long, default_value_t = 1)]
    replicas: usize,
    /// After the kill (SQLite): the rows the run committed, copied by SQLite alone in as
    /// many transactions as the server's writer used, and yunqi / that floor.
    #[arg(long)]
    floor: bool,
    /// Write each answered request's start (ms after the load began) and latency (ms) to
    /// this file, a line each, after a first line with the load's start as Unix time: to
    /// see when the slow ones came, against the server's log (`--keep`).
    #[arg(long)]
    latencies: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(
        args.requests > 0 && args.concurrency > 0,
        "--requests and --concurrency must be positive"
    );
    ensure!(
        args.replicas >= 1 && (args.replicas == 1 || args.pg.is_some()),
        "--replicas above 1 needs --pg (one serve per SQLite file)"
    );
    if let Some(path) = &args.latencies {
        // Before the servers start: a path that cannot be written fails now, not after.
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    }
    // One thread for the client: the two cores are for the server.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(tokio::task::LocalSet::new().run_until(run(args)))
}

/// `yunqi` next to this executable, rebuilt by cargo in the same profile unless told not to.
fn server_binary(args: &Args) -> Result<PathBuf> {
    if let Some(s) = &args.server {
        return Ok(s.clone());
    }
    let me = std::env::current_exe()?;
    let path = me.with_file_name(format!("yunqi{}", std::env::consts::EXE_SUFFIX));
    if !args.no_build {
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--bin", "yunqi"])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if !cfg!(debug_assertions) {
            cargo.arg("--release");
        }
        eprintln!(
            "building the server: cargo build --bin yunqi{}",
            if cfg!(debug_assertions) {
                ""
            } else {
                " --release"
            }
        );
        let status = cargo.status().context("running cargo build")?;
        ensure!(status.success(), "cargo build failed");
    }
    ensure!(
        path.exists(),
        "no server binary at {} (build it, or pass --server)",
        path.display()
    );
    Ok(path)
}

fn config_toml(capacity: usize) -> String {
    format!(
        r#"[roles]
organizers = []

[[salons]]
title_zh = "压测沙龙"
title_en = "Load test salon"
venue_zh = "杭州"
venue_en = "Hangzhou"
date = "next-saturday"
start = "14:00"
end = "17:00"
capacity = {capacity}
min_years = 3
auto_approve = true
"#
    )
}

/// A tiny Slack Web API answering each method the lane calls in the shape the adapter
/// reads, so queued messages (the tickets with their QR codes: a post and a three-call
/// file upload) are really delivered. `calls` counts every call, `files` the completed
/// uploads.
async fn fake_slack(calls: Arc<AtomicU64>, files: Arc<AtomicU64>) -> Result<String> {
    use axum::extract::Path;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}/api");
    let upload = format!("http://{addr}/upload");
    let api = move |Path(method): Path<String>| {
        let (calls, files, upload) = (calls.clone(), files.clone(), upload.clone());
        async move {
            let n = calls.fetch_add(1, Ordering::Relaxed);
            let body = match method.as_str() {
                "conversations.open" => format!(r#"{{"ok":true,"channel":{{"id":"D{n:08}"}}}}"#),
                "files.getUploadURLExternal" => {
                    format!(r#"{{"ok":true,"upload_url":"{upload}/F{n:08}","file_id":"F{n:08}"}}"#)
                }
                "files.completeUploadExternal" => {
                    files.fetch_add(1, Ordering::Relaxed);
                    r#"{"ok":true,"files":[]}"#.to_string()
                }
                _ => format!(
                    r#"{{"ok":true,"user_id":"UBOT","bot_id":"BBOT","channel":"DLOAD","ts":"1700000000.{n:06}","message_ts":"1700000000.{n:06}"}}"#
                ),
            };
            ([("content-type", "application/json")], body)
        }
    };
    let app = axum::Router::new()
        .route("/api/{method}", post(api))
        .route("/upload/{id}", post(|| async { "OK" }));
    tokio::task::spawn_local(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(base)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A `/proc/<pid>/status` field in KiB (`VmHWM`, `RssAnon`, …).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM")
}

fn start_server(
    bin: &Path,
    dir: &Path,
    db: &str,
    port: u16,
    api_base: &str,
    capacity: usize,
) -> Result<Child> {
    let config = dir.join("load.toml");
    std::fs::write(&config, config_toml(capacity))?;
    let log = std::fs::File::create(dir.join(format!("server-{port}.log")))?;
    serve_cmd::serve(bin, &config, db, port, log, "warn")
        .env("YUNQI_SLACK__SIGNING_SECRET", SECRET)
        .env("YUNQI_SLACK__BOT_TOKEN", "xoxb-load")
        .env("YUNQI_SLACK__API_BASE", api_base)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
}

/// A keep-alive HTTP/1.1 connection that sends prepared requests and reads whole answers.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Conn {
    async fn open(port: u16) -> Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    async fn roundtrip(&mut self, request: &[u8]) -> Result<Answer> {
        self.stream.write_all(request).await?;
        self.buf.clear();
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).context("answer head")?;
                let status: u16 = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| anyhow!("bad status line"))?;
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .ok_or_else(|| anyhow!("answer without content-length"))?;
                let start = end + 4;
                while self.buf.len() < start + len {
                    self.fill().await?;
                }
                let body = self.buf[start..start + len].to_vec();
                return Ok(Answer { status, body });
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> Result<()> {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("connection closed");
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Form-encodes one value (RFC 1866: space as `+`).
fn form(v: &str, out: &mut String) {
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
}

/// Signed requests, one per distinct user, prepared before the clock starts.
fn requests(n: usize, port: u16) -> Vec<Vec<u8>> {
    let verifier = Verifier::new(SECRET);
    let ts = chrono::Utc::now().timestamp().to_string();
    (0..n)
        .map(|i| {
            let mut body = String::with_capacity(512);
            body.push_str("token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C0LOAD&channel_name=salon&user_id=");
            body.push_str(&format!("UL{i:07}&user_name=user{i}&command=%2Fregister&text="));
            form(&format!("1 name=用户{i} phone=139{i:08} position=backend years=5"), &mut body);
            body.push_str("&api_app_id=A0001&is_enterprise_install=false&response_url=");
            form(&format!("http://127.0.0.1:{port}/unused/{i}"), &mut body);
            body.push_str(&format!("&trigger_id={i}.2222.load"));
            let sig = verifier.sign(&ts, body.as_bytes());
            format!(
                "POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sig}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        })
        .collect()
}

async fn wait_healthy(port: u16, child: &mut Child) -> Result<()> {
    let started = Instant::now();
    let probe = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited during start-up ({status}); see its log");
        }
        if let Ok(mut c) = Conn::open(port).await {
            if let Ok(a) = c.roundtrip(probe.as_bytes()).await {
                if a.status == 200 {
                    return Ok(());
                }
            }
        }
        ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not become healthy in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Default)]
struct Tally {
    /// Each answered request's start after the load began, and its latency, in ms.
    timeline: Vec<(f64, f64)>,
    errors: usize,
    first_error: Option<String>,
}

async fn fire(
    port: u16,
    reqs: Rc<Vec<Vec<u8>>>,
    next: Rc<std::cell::Cell<usize>>,
    epoch: Instant,
) -> Tally {
    let mut t = Tally::default();
    let mut conn = None;
    loop {
        let i = next.get();
        if i >= reqs.len() {
            return t;
        }
        next.set(i + 1);
        let started = Instant::now();
        let result = async {
            if conn.is_none() {
                conn = Some(Conn::open(port).await?);
            }
            let c = conn.as_mut().expect("just opened");
            c.roundtrip(&reqs[i]).await
        }
        .await;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let problem = match result {
            Ok(a) if a.status == 200 && find(&a.body, APPROVED.as_bytes()).is_some() => None,
            Ok(a) => Some(format!(
                "HTTP {}: {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            )),
            Err(e) => {
                conn = None;
                Some(e.to_string())
            }
        };
        match problem {
            None => {
                let at = (started - epoch).as_secs_f64() * 1000.0;
                t.timeline.push((at, elapsed));
            }
            Some(p) => {
                t.errors += 1;
                t.first_error.get_or_insert(p);
            }
        }
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(args: Args) -> Result<()> {
    let bin = server_binary(&args)?;
    let dir = tempfile::tempdir()?;
    let calls = Arc::new(AtomicU64::new(0));
    let files = Arc::new(AtomicU64::new(0));
    let api_base = fake_slack(calls.clone(), files.clone()).await?;
    let pg = match &args.pg {
        Some(server) => Some(replicas::FreshDb::create(server).await?),
        None => None,
    };
    let db = match &pg {
        Some(p) => p.url.clone(),
        None => dir.path().join("yunqi.db").display().to_string(),
    };
    let capacity = args.requests + 1000;
    let mut children = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..args.replicas {
        let port = free_port()?;
        let mut child = start_server(&bin, dir.path(), &db, port, &api_base, capacity)?;
        // One at a time: the first creates the schema and seeds the salon.
        let healthy = wait_healthy(port, &mut child).await;
        children.push(child);
        ports.push(port);
        if let Err(e) = healthy {
            for c in &mut children {
                let _ = c.kill();
            }
            return Err(e);
        }
    }
    let outcome = drive(&args, &ports, &mut children).await;
    for c in &mut children {
        let _ = c.kill();
        let _ = c.wait();
    }
    let report = outcome?;
    // SIGKILL, no graceful shutdown: what is in the database was committed before each 200.
    let approved = match &pg {
        Some(p) => p.approved().await?,
        None => {
            let store = yunqi_storage::SqliteStore::open(&db).await?;
            let rows = store.export_salon(1).await?;
            store.close().await;
            rows.iter()
                .filter(|r| r.status == "approved" && r.user.starts_with("UL"))
                .count()
        }
    };
    if let Some(p) = pg {
        p.drop_db().await;
    }
    // Right after yunqi, its server gone: the same requests against the ceiling.
    let ceiling = match args.ceiling {
        true => {
            let server = ceiling::Ceiling::start(SECRET)?;
            let reqs = requests(args.requests, server.port);
            Some(load(&[server.port], reqs, args.concurrency).await?)
        }
        false => None,
    };

    let secs = report.elapsed.as_secs_f64();
    let ok = report.lat.len();
    println!(
        "yunqi-load: signed Slack slash commands → `yunqi serve` ({}) over loopback",
        bin.display()
    );
    println!(
        "storage             {}",
        match &args.pg {
            Some(_) => format!(
                "PostgreSQL, {} replica(s), connections round robin",
                args.replicas
            ),
            None => "SQLite file, one serve".into(),
        }
    );
    println!(
        "requests            {} ({} ok, {} errors), concurrency {} keep-alive connections",
        args.requests, ok, report.errors, args.concurrency
    );
    println!(
        "throughput          {:.0} req/s ({:.2} s)",
        args.requests as f64 / secs,
        secs
    );
    println!(
        "latency             p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&report.lat, 0.5),
        pct(&report.lat, 0.99),
        pct(&report.lat, 1.0)
    );
    match report.peak_kib {
        Some(k) => println!(
            "server peak RSS     {:.1} MiB (VmHWM, largest replica; {:.1} MiB before the load; after it {:.1} MiB anon + {:.1} MiB file)",
            k as f64 / 1024.0,
            report.idle_kib.unwrap_or(0) as f64 / 1024.0,
            report.now_kib[0] as f64 / 1024.0,
            report.now_kib[1] as f64 / 1024.0,
        ),
        None => println!("server peak RSS     unknown (no /proc)"),
    }
    println!(
        "in the database     {approved} approved registrations after SIGKILL (expected {})",
        args.requests
    );
    println!(
        "fake Slack calls    {} ({} files uploaded: tickets delivered)",
        calls.load(Ordering::Relaxed),
        files.load(Ordering::Relaxed)
    );
    if let Some(e) = &report.first_error {
        println!("first error         {e}");
    }
    println!(
        "write transactions  {} ({:.1} requests each)",
        report.groups,
        args.requests as f64 / report.groups.max(1) as f64
    );
    if args.floor {
        ensure!(args.pg.is_none(), "--floor is for the SQLite file");
        let rate = args.requests as f64 / secs;
        floor::report(
            &db,
            args.requests,
            rate,
            report.groups as usize,
            args.concurrency,
        )
        .await?;
    }
    if let Some(c) = &ceiling {
        print_ceiling(&report, secs, c, args.requests);
    }
    if args.keep {
        let kept = dir.keep();
        println!("kept                {}", kept.display());
    }
    ensure!(report.errors == 0, "{} requests failed", report.errors);
    if let Some(c) = &ceiling {
        ensure!(c.errors == 0, "{} requests to the ceiling failed", c.errors);
    }
    ensure!(
        approved == args.requests,
        "only {approved} of {} registrations are in the database",
        args.requests
    );
    Ok(())
}

/// yunqi and the ceiling side by side, with yunqi / ceiling.
fn print_ceiling(y: &Report, y_secs: f64, c: &Load, n: usize) {
    let c_secs = c.elapsed.as_secs_f64();
    let (yt, ct) = (n as f64 / y_secs, n as f64 / c_secs);
    println!(
        "ceiling: a minimal axum handler in this process (signature, form, fixed JSON; no database), same requests"
    );
    println!(
        "                    {:>12} {:>12} {:>14}",
        "yunqi", "ceiling", "yunqi/ceiling"
    );
    println!(
        "throughput req/s    {yt:>12.0} {ct:>12.0} {:>14.2}",
        yt / ct
    );
    for (name, p) in [("p50", 0.5), ("p99", 0.99)] {
        let (a, b) = (pct(&y.lat, p), pct(&c.lat, p));
        println!("latency {name} ms      {a:>12.2} {b:>12.2} {:>14.2}", a / b);
    }
    println!("errors              {:>12} {:>12}", y.errors, c.errors);
    if let Some(e) = &c.first_error {
        println!("first ceiling error {e}");
    }
}

struct Report {
    lat: Vec<f64>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    /// VmHWM once healthy, before the load.
    idle_kib: Option<u64>,
    /// RssAnon and RssFile after the load.
    now_kib: [u64; 2],
    peak_kib: Option<u64>,
    /// The servers' write transactions (`yunqi_write_batches_total`), summed.
    groups: u64,
}

/// The load over `ports` (servers already healthy); memory of the largest replica.
async fn drive(args: &Args, ports: &[u16], children: &mut [Child]) -> Result<Report> {
    let idle_kib = children.iter().filter_map(|c| vm_hwm_kib(c.id())).max();
    let l = load(ports, requests(args.requests, ports[0]), args.concurrency).await?;
    if let Some(path) = &args.latencies {
        write_timeline(path, &l).with_context(|| format!("writing {}", path.display()))?;
    }
    let pid = children
        .iter()
        .max_by_key(|c| vm_hwm_kib(c.id()).unwrap_or(0))
        .map(Child::id)
        .context("no server")?;
    if let Ok(to) = std::env::var("YUNQI_LOAD_SMAPS") {
        let _ = std::fs::copy(format!("/proc/{pid}/smaps"), to);
    }
    let now_kib = ["RssAnon", "RssFile"].map(|f| status_kib(pid, f).unwrap_or(0));
    let mut groups = 0;
    for port in ports {
        groups += write_groups(*port).await?;
    }
    Ok(Report {
        groups,
        lat: l.lat,
        errors: l.errors,
        first_error: l.first_error,
        elapsed: l.elapsed,
        idle_kib,
        now_kib,
        peak_kib: vm_hwm_kib(pid),
    })
}

/// `--latencies`: the load's start, then `start_ms latency_ms` per answered request.
fn write_timeline(path: &Path, l: &Load) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let began = l.began.duration_since(std::time::UNIX_EPOCH)?;
    writeln!(
        out,
        "# load began at {:.6} (Unix time)",
        began.as_secs_f64()
    )?;
    for (at, ms) in &l.timeline {
        writeln!(out, "{at:.3} {ms:.3}")?;
    }
    out.flush()?;
    Ok(())
}

/// A server's write transactions so far, from its `/metrics`.
async fn write_groups(port: u16) -> Result<u64> {
    let mut c = Conn::open(port).await?;
    let get = format!("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    let a = c.roundtrip(get.as_bytes()).await?;
    ensure!(a.status == 200, "/metrics answered {}", a.status);
    String::from_utf8_lossy(&a.body)
        .lines()
        .find_map(|l| l.strip_prefix("yunqi_write_batches_total "))
        .and_then(|v| v.trim().parse().ok())
        .context("no yunqi_write_batches_total in /metrics")
}

/// One load: the prepared requests over `concurrency` keep-alive connections.
struct Load {
    /// Sorted, of the requests that succeeded.
    lat: Vec<f64>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    /// When it began, and each answered request's start (ms after that) and latency,
    /// in start order.
    began: std::time::SystemTime,
    timeline: Vec<(f64, f64)>,
}

/// Must run inside a `LocalSet`. Connection `k` goes to `ports[k % ports.len()]`.
async fn load(ports: &[u16], reqs: Vec<Vec<u8>>, concurrency: usize) -> Result<Load> {
    let n = reqs.len();
    let reqs = Rc::new(reqs);
    let next = Rc::new(std::cell::Cell::new(0));
    let began = std::time::SystemTime::now();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|k| {
            let port = ports[k % ports.len()];
            tokio::task::spawn_local(fire(port, reqs.clone(), next.clone(), started))
        })
        .collect();
    let mut timeline = Vec::with_capacity(n);
    let (mut errors, mut first_error) = (0, None);
    for w in workers {
        let t = w.await?;
        timeline.extend(t.timeline);
        errors += t.errors;
        first_error = first_error.or(t.first_error);
    }
    let elapsed = started.elapsed();
    let mut lat: Vec<f64> = timeline.iter().map(|(_, ms)| *ms).collect();
    lat.sort_by(f64::total_cmp);
    timeline.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(Load {
        lat,
        errors,
        first_error,
        elapsed,
        began,
        timeline,
    })
}
