//! A fresh database, the real core and a manual clock for each test. Compiled once per
//! backend (`on_sqlite.rs`, `on_pg.rs`): `Store` and `fresh` come from there.

#![allow(dead_code)]

use super::{fresh, Store};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::Mutex;
use yunqi_bot::ids::Platform;
use yunqi_bot::message::Reply;
use yunqi_bot::model::{NewSalon, Text2};
use yunqi_bot::ports::ManualClock;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Engine, EngineConfig, Inbound, UserRef};

/// A harness from `Harness::new`/`open`/…, or return from the test: the backend is not
/// available here (PostgreSQL without `YUNQI_TEST_PG`; `fresh` said "skipped").
macro_rules! harness {
    ($e:expr) => {
        match $e.await {
            Some(h) => h,
            None => return,
        }
    };
}

/// Thursday 2026-11-26 10:00 Asia/Shanghai.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

/// Saturday 2026-11-28 14:00–17:00 Asia/Shanghai, like the first salon.
pub fn salon(capacity: u32, min_years: u32) -> NewSalon {
    NewSalon {
        title: Text2 {
            zh: "第一期沙龙".into(),
            en: "Salon #1".into(),
        },
        venue: Text2 {
            zh: "杭州云计算产业园".into(),
            en: "Hangzhou Cloud Park".into(),
        },
        agenda: Text2 {
            zh: "14:00 签到".into(),
            en: "14:00 sign-in".into(),
        },
        starts_at: Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap(),
        timezone: chrono_tz::Asia::Shanghai,
        capacity,
        min_years,
        auto_approve: false,
        group_link: Some("https://example.com/g/1".into()),
        groups: [("slack_channel".to_string(), "C0SALON".to_string())].into(),
    }
}

pub trait ClockExt {
    fn now_for_tests(&self) -> DateTime<Utc>;
}

impl ClockExt for ManualClock {
    fn now_for_tests(&self) -> DateTime<Utc> {
        use yunqi_bot::ports::Clock;
        self.now()
    }
}

pub fn console(id: &str) -> UserRef {
    UserRef::new(Platform::Console, id)
}

/// Console user `user{i:05}` registering for salon 1 in one line (no dialogue).
pub fn registration(i: usize) -> Inbound {
    Inbound::text(
        console(&format!("user{i:05}")),
        format!("/register 1 name=U{i} phone=139{i:08} position=dev years=5"),
    )
}

/// A message the core queued: (recipient `platform:id`, text, buttons' commands).
#[derive(Debug, Clone)]
pub struct Sent {
    pub to: String,
    pub text: String,
    pub commands: Vec<String>,
    pub reply: Reply,
}

pub struct Harness {
    pub core: Core<Store>,
    pub store: Arc<Store>,
    pub clock: Arc<ManualClock>,
    pub path: std::path::PathBuf,
    seen: Mutex<i64>,
    _dir: Option<tempfile::TempDir>,
}

pub fn engine_config() -> EngineConfig {
    EngineConfig {
        organizers: HashSet::from([console("admin")]),
        ..EngineConfig::default()
    }
}

impl Harness {
    /// `None`: this backend is not available here (the test returns, see `harness!`).
    pub async fn new(salons: Vec<NewSalon>) -> Option<Harness> {
        Harness::with_config(salons, engine_config()).await
    }

    pub async fn with_config(salons: Vec<NewSalon>, cfg: EngineConfig) -> Option<Harness> {
        let (url, dir) = fresh().await?;
        let mut h = Harness::open_with(std::path::Path::new(&url), t0(), cfg).await?;
        h.core.seed(salons).await.unwrap();
        h._dir = dir;
        Some(h)
    }

    /// Opens (again) the database at `path` (a file, or a PostgreSQL URL), like a
    /// restarted process.
    pub async fn open(path: &std::path::Path, now: DateTime<Utc>) -> Option<Harness> {
        Harness::open_with(path, now, engine_config()).await
    }

    pub async fn open_with(
        path: &std::path::Path,
        now: DateTime<Utc>,
        cfg: EngineConfig,
    ) -> Option<Harness> {
        let store = Arc::new(Store::open(path.to_str().unwrap()).await.unwrap());
        let clock = Arc::new(ManualClock::new(now));
        let (core, _writer) = Core::start(store.clone(), Engine::new(cfg), clock.clone());
        let seen: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
            .fetch_one(store.pool())
            .await
            .unwrap();
        Some(Harness {
            core,
            store,
            clock,
            path: path.to_path_buf(),
            seen: Mutex::new(seen),
            _dir: None,
        })
    }

    /// Everything queued since the last call.
    pub async fn sent(&self) -> Vec<Sent> {
        let last = *self.seen.lock().unwrap();
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, platform, recipient, payload FROM outbox WHERE id > $1 ORDER BY id",
        )
        .bind(last)
        .fetch_all(self.store.pool())
        .await
        .unwrap();
        if let Some((id, ..)) = rows.last() {
            *self.seen.lock().unwrap() = *id;
        }
        rows.into_iter()
            .map(|(_, p, r, payload)| {
                let reply: Reply = serde_json::from_str(&payload).unwrap();
                Sent {
                    to: format!("{p}:{r}"),
                    text: reply.text.clone(),
                    commands: reply.buttons.iter().map(|b| b.command.clone()).collect(),
                    reply,
                }
            })
            .collect()
    }

    /// Someone on another platform says `text`.
    pub async fn say_as(&self, user: &UserRef, text: &str) -> Vec<Sent> {
        self.core
            .submit(Inbound::text(user.clone(), text))
            .await
            .unwrap();
        self.sent().await
    }

    /// `user` (a console id) says `text`; returns what was queued because of it.
    pub async fn say(&self, user: &str, text: &str) -> Vec<Sent> {
        self.core
            .submit(Inbound::text(console(user), text))
            .await
            .unwrap();
        self.sent().await
    }

    /// The texts sent to `user` because they said `text`.
    pub async fn ask(&self, user: &str, text: &str) -> String {
        let to = format!("console:{user}");
        self.say(user, text)
            .await
            .into_iter()
            .filter(|s| s.to == to)
            .map(|s| s.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub async fn register(&self, user: &str, years: u32) -> String {
        let phone = format!(
            "1380000{:04}",
            user.bytes().map(|b| b as u32).sum::<u32>() % 10_000
        );
        self.ask(
            user,
            &format!("/register 1 name={user} phone={phone} position=dev years={years}"),
        )
        .await
    }

    pub async fn tick(&self) -> Vec<Sent> {
        self.core.tick().await.unwrap();
        self.sent().await
    }

    pub fn advance(&self, d: Duration) {
        self.clock.advance(d);
    }

    /// Latest status of each console user's registration for salon 1.
    pub async fn status(&self, user: &str) -> String {
        let rows = self.store.export_salon(1).await.unwrap();
        rows.into_iter()
            .find(|r| r.platform == "console" && r.user == user)
            .map(|r| r.status)
            .unwrap_or_else(|| "none".into())
    }

    pub async fn count(&self, status: &str) -> usize {
        self.store
            .export_salon(1)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.status == status)
            .count()
    }
}

/// The link code in "您的绑定码：K7Q-2M9-XDF（…".
pub fn code_in(msg: &str) -> String {
    let after = msg.split("绑定码：").nth(1).unwrap_or_default();
    after
        .split('（')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}
