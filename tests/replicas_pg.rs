//! Two `yunqi serve` processes on one PostgreSQL database, requests spread over both
//! (round robin), against a fake Slack on 127.0.0.1: a fan-out is delivered once per
//! subscriber and at the configured rate in total; kill -9 of the replica delivering it
//! hands the rest to the other; seats are never oversold across replicas; a platform
//! retry landing on the other replica has no second effect. Skipped (with a message)
//! without `YUNQI_TEST_PG`; `.ci/run` sets it and requires it.

use crate::proc_support::*;
use crate::slack_support::*;
use futures::StreamExt;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const COMMANDS: &str = "/webhooks/slack/commands";
const EVENTS: &str = "/webhooks/slack/events";
/// `[slack] rate_per_second` of both replicas: what the fake may see in total.
const RATE: usize = 100;
const SUBSCRIBERS: usize = 2000;
/// Rows a lane claims and delivers before it records their outcome: what a replica
/// killed mid-delivery may have sent without the database knowing (ARCHITECTURE.md,
/// "Replicas"). The survivor sends those again; nothing else twice.
const AT_LEAST_ONCE_WINDOW: usize = 64;

fn config(dir: &Path, fake: &FakeSlack, salon: &str) -> PathBuf {
    let path = dir.join("replica.toml");
    let toml = format!(
        "{}rate_per_second = {RATE}\n\n[replicas]\nlease = \"3s\"\n\n\
         [roles]\norganizers = [\"slack:UORG\"]\n\n{salon}",
        slack_toml(fake, false)
    );
    std::fs::write(&path, toml).expect("config");
    path
}

struct Replicas {
    db: String,
    fake: FakeSlack,
    servers: Vec<Option<Serve>>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Replicas {
    /// Two replicas on a fresh database, or `None` without PostgreSQL.
    async fn start(salon: &str) -> Option<Replicas> {
        let db = testkit::pg::fresh_db().await?;
        let (fake, _) = FakeSlack::start().await;
        let dir = tempfile::tempdir().unwrap();
        let cfg = config(dir.path(), &fake, salon);
        let servers = tokio::task::block_in_place(|| {
            (0..2)
                .map(|_| Some(serve_db(dir.path(), &db, Some(&cfg))))
                .collect()
        });
        Some(Replicas {
            db,
            fake,
            servers,
            http: reqwest::Client::new(),
            _dir: dir,
        })
    }

    fn base(&self, i: usize) -> String {
        let s = self.servers[i % 2].as_ref().expect("replica running");
        format!("http://127.0.0.1:{}", s.port)
    }

    /// A signed slash command from `user` to replica `i % 2`; the inline answer.
    async fn command(&self, i: usize, user: &str, text: &str) -> String {
        let body = command_form(user, "C0REPL", "/yunqi", text, &format!("{i}.1.t"));
        let (status, answer) = post_signed(&self.http, &self.base(i), COMMANDS, &body).await;
        assert_eq!(status, 200, "{user} {text}: {answer}");
        answer
    }

    /// Slash commands from many users at once, 16 in flight, alternating replicas.
    async fn commands(&self, cmds: Vec<(String, String)>) -> Vec<String> {
        futures::stream::iter(cmds.iter().enumerate())
            .map(|(i, (u, t))| self.command(i, u, t))
            .buffered(16)
            .collect()
            .await
    }

    /// The replica whose process holds lease `name` (0 or 1).
    async fn holder_of(&self, name: &str) -> Option<usize> {
        let h = testkit::pg::lease_holder(&self.db, name).await?;
        let pid = h.split(':').nth(1)?.parse::<u32>().ok()?;
        self.servers
            .iter()
            .position(|s| s.as_ref().is_some_and(|s| s.pid() == pid))
    }

    /// Successful posts containing `needle`, per DM channel.
    fn delivered(&self, needle: &str) -> HashMap<String, usize> {
        let mut by = HashMap::new();
        for c in self.fake.calls("chat.postMessage") {
            let j = c.json();
            if c.ok() && j["text"].as_str().is_some_and(|t| t.contains(needle)) {
                *by.entry(j["channel"].as_str().unwrap_or_default().to_string())
                    .or_default() += 1;
            }
        }
        by
    }
}

async fn wait_until(what: &str, secs: u64, mut cond: impl AsyncFnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond().await {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn subscribers() -> Vec<String> {
    (0..SUBSCRIBERS).map(|i| format!("US{i:05}")).collect()
}

/// Subscribes every user to `rust`, then a client posts a matching job; its title.
async fn fan_out(r: &Replicas, title: &str) {
    let subs: Vec<(String, String)> = subscribers()
        .into_iter()
        .map(|u| (u, "subscribe rust".to_string()))
        .collect();
    for (i, a) in r.commands(subs).await.iter().enumerate() {
        assert!(a.contains("#rust"), "subscriber {i}: {a}");
    }
    let deadline = (chrono::Utc::now() + chrono::Duration::days(60)).format("%Y-%m-%d");
    let post = format!(
        "post title=\"{title}\" description=\"Rust CLI\" tags=rust budget=5000-8000 deadline={deadline} acceptance=\"runs\""
    );
    let a = r.command(1, "UCLIENT", &post).await;
    assert!(a.contains("已发布"), "{a}");
}

/// Most posts the fake saw inside any one second.
fn busiest_second(fake: &FakeSlack) -> usize {
    let at: Vec<Instant> = fake
        .calls("chat.postMessage")
        .iter()
        .map(|c| c.at)
        .collect();
    let mut most = 0;
    let mut start = 0;
    for end in 0..at.len() {
        while at[end] - at[start] >= Duration::from_secs(1) {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fan_out_over_two_replicas_reaches_each_subscriber_once_at_the_configured_rate() {
    tokio::time::timeout(Duration::from_secs(240), async {
        let Some(r) = Replicas::start("").await else {
            return;
        };
        fan_out(&r, "Replica drill").await;
        wait_until("every subscriber notified", 120, async || {
            r.delivered("Replica drill").len() == SUBSCRIBERS
        })
        .await;
        // Anything sent twice would arrive within a lease or two.
        tokio::time::sleep(Duration::from_secs(4)).await;
        let got = r.delivered("Replica drill");
        let dups: Vec<_> = got.iter().filter(|(_, n)| **n > 1).collect();
        assert!(dups.is_empty(), "sent twice: {dups:?}");
        for u in subscribers() {
            assert_eq!(got.get(&format!("D{u}")), Some(&1), "{u}");
        }
        // One lane holder sends for both replicas: the limit holds in total. The lane
        // spaces sends 1/RATE apart, so a one-second window sees RATE, or RATE + 1 when
        // it starts and ends on a send.
        let busiest = busiest_second(&r.fake);
        eprintln!("replicas: {SUBSCRIBERS} notified once each; busiest second {busiest} posts (limit {RATE})");
        assert!(busiest <= RATE + 1, "{busiest} posts in one second");
        // Else the lane was CPU-bound and the check above says nothing about pacing.
        assert!(busiest >= RATE / 5, "the lane ran far below its rate: {busiest}/s");
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_the_delivering_replica_hands_the_rest_of_a_fan_out_to_the_other() {
    tokio::time::timeout(Duration::from_secs(240), async {
        let Some(mut r) = Replicas::start("").await else {
            return;
        };
        let leader = r.holder_of("leader").await.expect("a leader");
        fan_out(&r, "Failover drill").await;
        wait_until("part of the fan-out delivered", 60, async || {
            r.delivered("Failover drill").len() >= 300
        })
        .await;
        let lane = r
            .holder_of("lane:slack")
            .await
            .expect("a slack lane holder");
        r.servers[lane].take().expect("running").kill9();
        let killed_at = Instant::now();
        let before = r.delivered("Failover drill").values().sum::<usize>();
        assert!(before < SUBSCRIBERS, "killed too late to test anything");

        // The survivor takes the lane (and the leader's work, if the killed one led)
        // once the dead replica's leases run out.
        let survivor = 1 - lane;
        wait_until("the survivor holds the lane", 30, async || {
            r.holder_of("lane:slack").await == Some(survivor)
        })
        .await;
        if leader == lane {
            wait_until("the survivor leads", 30, async || {
                r.holder_of("leader").await == Some(survivor)
            })
            .await;
        }
        eprintln!(
            "replicas: lane taken over {:?} after kill -9",
            killed_at.elapsed()
        );
        assert!(
            killed_at.elapsed() < Duration::from_secs(3 * 3),
            "took over after {:?}, the lease is 3 s",
            killed_at.elapsed()
        );
        wait_until("every subscriber notified", 120, async || {
            r.delivered("Failover drill").len() == SUBSCRIBERS
        })
        .await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        let got = r.delivered("Failover drill");
        let twice: usize = got.values().map(|n| n - 1).sum();
        eprintln!("replicas: killed after {before} posts; {twice} sent twice");
        assert!(
            twice <= AT_LEAST_ONCE_WINDOW,
            "{twice} subscribers notified twice, more than the claim window"
        );
        assert!(got.values().all(|n| *n <= 2), "{got:?}");
        for u in subscribers() {
            assert!(got.contains_key(&format!("D{u}")), "{u} never notified");
        }
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_registrations_over_two_replicas_fill_twenty_seats_exactly() {
    tokio::time::timeout(Duration::from_secs(180), async {
        let salon =
            testkit::salon_toml(None).replace("auto_approve = false", "auto_approve = true");
        let Some(r) = Replicas::start(&salon).await else {
            return;
        };
        let regs: Vec<(String, String)> = (0..200)
            .map(|i| {
                (
                    format!("UR{i:03}"),
                    format!("register 1 name=用户{i} phone=139{i:08} position=backend years=5"),
                )
            })
            .collect();
        let answers = r.commands(regs).await;
        let approved = answers.iter().filter(|a| a.contains("已通过")).count();
        assert_eq!(approved, 20, "approved answers");
        let in_db = testkit::pg::scalar(
            &r.db,
            "SELECT COUNT(*) FROM registrations WHERE salon_id = 1 AND status = 'approved'",
        )
        .await;
        assert_eq!(in_db, 20, "approved registrations in the database");
        let all = testkit::pg::scalar(&r.db, "SELECT COUNT(*) FROM registrations").await;
        assert_eq!(all, 200, "every registration recorded once");

        // Slack retries an event it thinks was lost; the retry reaches the other replica.
        let body = dm_event("EvReplica1", "UDUP", "/subscribe go", "1700000000.000777");
        for i in 0..2 {
            let (status, _) = post_signed(&r.http, &r.base(i), EVENTS, &body).await;
            assert_eq!(status, 200);
        }
        wait_until("the answer to the event", 30, async || {
            !r.fake.posts_to("DUDUP").is_empty()
        })
        .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(r.fake.posts_to("DUDUP").len(), 1, "one effect");
    })
    .await
    .expect("bounded");
}
