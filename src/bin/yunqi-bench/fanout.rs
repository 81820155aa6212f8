//! Fan-out: one job matching N subscribers spread over platforms. Times the publishing
//! transaction (every notification written to the outbox), then delivers for a while
//! through the real dispatcher against fake platforms that accept at their published rate.

use anyhow::Result;
use futures::future::BoxFuture;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Delivery, Outbound, Store, SystemClock};
use yunqi_bot::runtime::{Core, Dispatcher};
use yunqi_bot::{Inbound, UserRef};
use yunqi_storage::SqliteStore;

/// Published sustained limits for bulk sending to distinct users (docs/platforms/): Telegram ~30
/// messages/s overall, Discord 50 requests/s per bot, WeCom app messages ≤ 30/min per
/// member (so distinct members in parallel; we pace at 20 calls/s), Slack ~1 message/s per
/// channel with a workspace-wide cap (DMs are distinct channels; we pace at 20/s).
const PLATFORMS: [(Platform, f64); 5] = [
    (Platform::Telegram, 30.0),
    (Platform::Discord, 50.0),
    (Platform::Wecom, 20.0),
    (Platform::Slack, 20.0),
    (Platform::Console, 10_000.0),
];

struct Fake {
    platform: Platform,
    rate: f64,
    sent: AtomicU64,
}

impl Outbound for Fake {
    fn platform(&self) -> Platform {
        self.platform
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }
    fn rate_per_second(&self) -> f64 {
        self.rate
    }
    fn deliver<'a>(&'a self, _: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            self.sent.fetch_add(1, Ordering::Relaxed);
            Delivery::Sent { message_id: None }
        })
    }
}

pub async fn run(
    core: Core<SqliteStore>,
    store: Arc<SqliteStore>,
    n: usize,
    deliver_seconds: u64,
) -> Result<()> {
    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(n.div_ceil(32).max(1)) {
        let core = core.clone();
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            for i in chunk {
                let (p, _) = PLATFORMS[i % PLATFORMS.len()];
                let tags = if i % 2 == 0 { "rust cli" } else { "rust" };
                core.submit(Inbound::text(
                    UserRef::new(p, format!("sub{i:06}")),
                    format!("/subscribe {tags}"),
                ))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    println!(
        "yunqi-bench --fanout: {n} subscribers over {} platforms set up in {:.1} s",
        PLATFORMS.len(),
        t.elapsed().as_secs_f64()
    );
    // The subscription confirmations are not part of the fan-out: mark them delivered.
    sqlx_mark_sent(&store).await?;

    let rss_before = super::proc_kib("VmRSS:").unwrap_or(0);
    // The setup's own peak, so the publishing transaction's is told apart from it.
    let peak_before = super::peak_rss_kib().unwrap_or(0);
    let client = UserRef::new(Platform::Console, "client");
    let post = r#"/post title="Rust CLI tool" description="Benchmark job" tags=rust,cli budget=5000-8000 deadline=365天 acceptance="it runs""#;
    let t = Instant::now();
    let handled = core
        .submit(Inbound::text(client, post))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let commit = t.elapsed();
    let rss_after = super::proc_kib("VmRSS:").unwrap_or(0);
    let pending: i64 = {
        let mut total = 0;
        for (p, _) in PLATFORMS {
            total += store.outbox_pending(p, None).await?;
        }
        total
    };
    println!("fan-out committed   {:.1} ms ({} messages queued in the publishing transaction, {pending} pending in the outbox)", commit.as_secs_f64() * 1000.0, handled.queued);
    println!("memory              RSS {:.1} MiB before, {:.1} MiB after publishing (+{:.1} MiB); peak {:.1} MiB ({:.1} MiB before publishing)", rss_before as f64 / 1024.0, rss_after as f64 / 1024.0, (rss_after as f64 - rss_before as f64) / 1024.0, super::peak_rss_kib().unwrap_or(0) as f64 / 1024.0, peak_before as f64 / 1024.0);

    let fakes: Vec<Arc<Fake>> = PLATFORMS
        .iter()
        .map(|(p, r)| {
            Arc::new(Fake {
                platform: *p,
                rate: *r,
                sent: AtomicU64::new(0),
            })
        })
        .collect();
    let (stop, stopped) = watch::channel(false);
    let d = Dispatcher {
        store: store.clone(),
        clock: Arc::new(SystemClock),
        changed: core.outbox_changed(),
        idle_poll: Duration::from_millis(200),
    };
    let lanes = d.spawn(
        fakes
            .iter()
            .map(|f| f.clone() as Arc<dyn Outbound>)
            .collect(),
        stopped,
    );
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(deliver_seconds)).await;
    let secs = t.elapsed().as_secs_f64();
    let _ = stop.send(true);
    for l in lanes {
        let _ = l.await;
    }
    println!("delivery for {secs:.1} s against fake platforms:");
    println!("  platform   sent    achieved/s   limit/s   left in outbox");
    for f in &fakes {
        let sent = f.sent.load(Ordering::Relaxed);
        let left = store.outbox_pending(f.platform, None).await?;
        println!(
            "  {:<9} {:>6}   {:>10.1}   {:>7.0}   {left}",
            f.platform.as_str(),
            sent,
            sent as f64 / secs,
            f.rate
        );
    }
    Ok(())
}

async fn sqlx_mark_sent(store: &SqliteStore) -> Result<()> {
    use yunqi_bot::ports::Settlement;
    let now = chrono::Utc::now();
    for (p, _) in PLATFORMS {
        loop {
            let rows = store.outbox_due(p, None, &[], now, 500).await?;
            if rows.is_empty() {
                break;
            }
            let settled: Vec<Settlement> = rows
                .iter()
                .map(|r| Settlement {
                    id: r.id,
                    attempts: 1,
                    outcome: Delivery::Sent { message_id: None },
                    at: now,
                    retry_at: now,
                    progress: Default::default(),
                })
                .collect();
            store.outbox_settle(&settled).await?;
        }
    }
    Ok(())
}
