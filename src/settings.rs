//! Configuration: embedded `config/default.toml` → `--config` file → `YUNQI_<SECTION>__<KEY>`
//! environment variables. Secrets are never logged.

use anyhow::{anyhow, bail, Context, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::HashSet;
use yunqi_bot::engine::{JobsConfig, ThreadsConfig};
use yunqi_bot::model::{NewSalon, Text2};
use yunqi_bot::{EngineConfig, Platform, UserRef};

pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http: Http,
    pub storage: Storage,
    pub console: Console,
    pub salon: SalonRules,
    pub scheduler: Scheduler,
    #[serde(default)]
    pub roles: Roles,
    pub jobs: JobsSettings,
    pub threads: ThreadsSettings,
    #[serde(default)]
    pub salons: Vec<SalonSeed>,
    #[serde(default)]
    pub log: Log,
    /// Half-filled platform sections (`settings_check`), logged once logging is set up.
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// Community channels new salons (and, with `jobs`, jobs) are posted to.
    #[serde(default)]
    pub announce: AnnounceSettings,
    /// Leases shared by replicas on one database.
    #[serde(default)]
    pub replicas: crate::replicas::Replicas,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Log {
    /// `text` (the default) or `json` (one object per line, for log collectors).
    #[serde(default = "text_format")]
    pub format: String,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            format: text_format(),
        }
    }
}

fn text_format() -> String {
    "text".into()
}

impl Log {
    pub fn json(&self) -> Result<bool> {
        match self.format.trim() {
            "text" | "" => Ok(false),
            "json" => Ok(true),
            other => bail!("[log] format {other:?}: expected \"text\" or \"json\""),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnnounceSettings {
    /// The group robot webhook in `[wecom]`.
    #[serde(default)]
    pub wecom_robot: bool,
    pub slack_channel: Option<String>,
    pub telegram_chat_id: Option<String>,
    pub discord_channel_id: Option<String>,
    /// Newly published jobs are posted too.
    #[serde(default)]
    pub jobs: bool,
}

impl AnnounceSettings {
    /// One shared conversation per configured channel.
    pub fn recipients(&self) -> Vec<yunqi_bot::message::Recipient> {
        // The WeCom adapter sends conversation `robot` to the group robot webhook.
        let robot = self
            .wecom_robot
            .then(|| (Platform::Wecom, "robot".to_string()));
        let given = |p: Platform, v: &Option<String>| {
            v.as_ref()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .map(|c| (p, c))
        };
        [
            robot,
            given(Platform::Slack, &self.slack_channel),
            given(Platform::Telegram, &self.telegram_chat_id),
            given(Platform::Discord, &self.discord_channel_id),
        ]
        .into_iter()
        .flatten()
        .map(|(p, c)| yunqi_bot::message::Recipient {
            user: UserRef::new(p, &c),
            conversation: Some(c),
        })
        .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Http {
    pub bind: String,
    /// The web console's address as browsers reach it: the base of `/dashboard` links.
    #[serde(default = "default_public_url")]
    pub public_url: String,
    /// A request's header must arrive within this (also ends idle keep-alive).
    pub header_timeout: String,
    /// A request's body must arrive within this.
    pub body_timeout: String,
    /// A connection that moves no byte for this long is closed.
    pub idle_timeout: String,
    /// Open connections at most; at the cap the one idle longest makes room.
    pub max_connections: usize,
}

fn default_public_url() -> String {
    "http://127.0.0.1:8080".into()
}

impl Http {
    pub fn limits(&self) -> Result<crate::http_serve::Limits> {
        let d = |key: &str, v: &str| -> Result<std::time::Duration> {
            let d = parse_duration(v).with_context(|| format!("[http] {key}"))?;
            match d.to_std() {
                Ok(d) if !d.is_zero() => Ok(d),
                _ => bail!("[http] {key} must be positive"),
            }
        };
        if self.max_connections == 0 {
            bail!("[http] max_connections must be at least 1");
        }
        Ok(crate::http_serve::Limits {
            header_timeout: d("header_timeout", &self.header_timeout)?,
            body_timeout: d("body_timeout", &self.body_timeout)?,
            idle_timeout: d("idle_timeout", &self.idle_timeout)?,
            max_connections: self.max_connections,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Storage {
    pub url: String,
    /// How long delivered messages and inbound dedup ids are kept (`30d`).
    #[serde(default = "thirty_days")]
    pub retention: String,
    /// SQLite file: the writer's thread and its connection's thread share one CPU, the
    /// last this process may use, when it may use two or more (`true`).
    #[serde(default = "on")]
    pub pin_writer: bool,
}

fn thirty_days() -> String {
    "30d".into()
}

fn on() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct Console {
    pub user: String,
    pub files_dir: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SalonRules {
    pub claim_window: String,
    pub reminders: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Scheduler {
    pub tick_seconds: u64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Roles {
    #[serde(default)]
    pub organizers: Vec<String>,
    /// Moderate job posts (organizers may too).
    #[serde(default)]
    pub operators: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ThreadsSettings {
    pub remind_after: String,
    pub mask_contacts: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobsSettings {
    pub moderation: bool,
    /// sec min hour day-of-month month day-of-week, in `timezone`.
    pub digest_cron: String,
    pub timezone: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SalonSeed {
    /// Created at start when no salon has this key yet; left alone afterwards (chat edits
    /// win). Without a key: only into an empty database, as before.
    #[serde(default)]
    pub key: Option<String>,
    pub title_zh: String,
    #[serde(default)]
    pub title_en: String,
    pub venue_zh: String,
    #[serde(default)]
    pub venue_en: String,
    #[serde(default)]
    pub agenda_zh: String,
    #[serde(default)]
    pub agenda_en: String,
    /// `next-saturday` (or another weekday) or `YYYY-MM-DD`.
    pub date: String,
    pub start: String,
    pub end: String,
    #[serde(default = "shanghai")]
    pub timezone: String,
    pub capacity: u32,
    #[serde(default)]
    pub min_years: u32,
    #[serde(default)]
    pub auto_approve: bool,
    pub group_link: Option<String>,
    /// Event groups per platform: the WeCom customer group for join QR codes…
    pub wecom_group_chat_id: Option<String>,
    /// …the Slack channel approved people are invited to…
    pub slack_channel: Option<String>,
    /// …the Telegram chat a one-person invite link is made for…
    pub telegram_chat_id: Option<String>,
    /// …and the Discord role granted.
    pub discord_role_id: Option<String>,
}

fn shanghai() -> String {
    "Asia/Shanghai".into()
}

/// Merges `over` into `base`, tables key by key.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// An environment value: a TOML scalar or array if it parses as one, else a string.
fn env_value(raw: &str) -> toml::Value {
    let probe = format!("v = {raw}");
    match probe.parse::<toml::Table>() {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(raw.into())),
        Err(_) => toml::Value::String(raw.into()),
    }
}

/// The merged configuration as a TOML table; adapters read their own sections from it.
pub fn load_table(
    file: Option<&str>,
    env: impl Iterator<Item = (String, String)>,
) -> Result<toml::Table> {
    let mut table: toml::Table = DEFAULT_TOML
        .parse()
        .context("embedded config/default.toml")?;
    if let Some(path) = file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading config file {path}"))?;
        let over: toml::Table = text
            .parse()
            .with_context(|| format!("parsing config file {path}"))?;
        merge(&mut table, over);
    }
    for (k, v) in env {
        let Some(rest) = k.strip_prefix("YUNQI_") else {
            continue;
        };
        let Some((section, key)) = rest.split_once("__") else {
            continue;
        };
        let section = section.to_lowercase();
        let key = key.to_lowercase();
        let entry = table
            .entry(section)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = entry {
            t.insert(key, env_value(&v));
        }
    }
    Ok(table)
}

impl Settings {
    pub fn from_table(table: &toml::Table) -> Result<Settings> {
        let warnings = crate::settings_check::check(table)?;
        let mut s: Settings = toml::Value::Table(table.clone())
            .try_into()
            .context("configuration")?;
        s.log.json()?;
        parse_duration(&s.storage.retention).context("[storage] retention")?;
        s.replicas.ttl()?;
        s.warnings = warnings;
        Ok(s)
    }

    pub fn engine_config(&self) -> Result<EngineConfig> {
        let accounts = |list: &[String]| {
            list.iter()
                .map(|s| {
                    UserRef::parse_with_default(s, Platform::Console)
                        .ok_or_else(|| anyhow!("bad account id {s:?} in [roles]"))
                })
                .collect::<Result<HashSet<_>>>()
        };
        let reminders = self
            .salon
            .reminders
            .iter()
            .map(|r| parse_duration(r))
            .collect::<Result<Vec<_>>>()?;
        let digest = self
            .jobs
            .digest_cron
            .parse()
            .map_err(|e| anyhow!("[jobs] digest_cron {:?}: {e}", self.jobs.digest_cron))?;
        let timezone = self
            .jobs
            .timezone
            .parse()
            .map_err(|_| anyhow!("[jobs] timezone {:?} is unknown", self.jobs.timezone))?;
        Ok(EngineConfig {
            organizers: accounts(&self.roles.organizers)?,
            claim_window: parse_duration(&self.salon.claim_window)?,
            reminders,
            jobs: JobsConfig {
                moderation: self.jobs.moderation,
                operators: accounts(&self.roles.operators)?,
                digest,
                timezone,
            },
            threads: ThreadsConfig {
                remind_after: parse_duration(&self.threads.remind_after)?,
                mask_contacts: self.threads.mask_contacts,
            },
            web: yunqi_bot::engine::WebConfig {
                public_url: self.http.public_url.clone(),
                ..Default::default()
            },
            announce: self.announce.recipients(),
            announce_jobs: self.announce.jobs,
            charts: crate::chart::charts(),
            ..EngineConfig::default()
        })
    }

    pub fn seed_salons(&self, now: DateTime<Utc>) -> Result<Vec<NewSalon>> {
        self.salons
            .iter()
            .filter(|s| s.key.is_none())
            .map(|s| s.resolve(now))
            .collect()
    }

    /// `[[salons]]` entries with a `key`, created once each (`Core::add_salons`).
    pub fn keyed_salons(&self, now: DateTime<Utc>) -> Result<Vec<(Option<String>, NewSalon)>> {
        self.salons
            .iter()
            .filter(|s| s.key.is_some())
            .map(|s| Ok((s.key.clone(), s.resolve(now)?)))
            .collect()
    }
}

/// `12h`, `30m`, `45s`, `2d`.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .with_context(|| format!("duration {s:?}: expected a number and a unit like 12h"))?;
    Ok(match unit.trim() {
        "s" => Duration::seconds(n),
        "m" | "min" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => bail!("duration {s:?}: unit must be s, m, h or d"),
    })
}

impl SalonSeed {
    pub fn resolve(&self, now: DateTime<Utc>) -> Result<NewSalon> {
        let tz: Tz = self
            .timezone
            .parse()
            .map_err(|_| anyhow!("unknown timezone {:?}", self.timezone))?;
        let start = NaiveTime::parse_from_str(&self.start, "%H:%M")
            .with_context(|| format!("salon start {:?}", self.start))?;
        let end = NaiveTime::parse_from_str(&self.end, "%H:%M")
            .with_context(|| format!("salon end {:?}", self.end))?;
        let at = |d: NaiveDate, t: NaiveTime| -> Result<DateTime<Utc>> {
            tz.from_local_datetime(&d.and_time(t))
                .earliest()
                .map(|x| x.with_timezone(&Utc))
                .ok_or_else(|| anyhow!("no such local time"))
        };
        let date = match self.date.strip_prefix("next-") {
            Some(day) => {
                let wd: Weekday = day
                    .parse()
                    .map_err(|_| anyhow!("salon date {:?}: unknown weekday", self.date))?;
                // The first such weekday whose start is still ahead of `now`.
                let mut d = now.with_timezone(&tz).date_naive();
                loop {
                    if d.weekday() == wd && at(d, start)? > now {
                        break d;
                    }
                    d = d.succ_opt().ok_or_else(|| anyhow!("date overflow"))?;
                }
            }
            None => NaiveDate::parse_from_str(&self.date, "%Y-%m-%d")
                .with_context(|| format!("salon date {:?}", self.date))?,
        };
        let (starts_at, ends_at) = (at(date, start)?, at(date, end)?);
        if ends_at <= starts_at {
            bail!("salon {:?} ends before it starts", self.title_zh);
        }
        Ok(NewSalon {
            title: Text2 {
                zh: self.title_zh.clone(),
                en: self.title_en.clone(),
            },
            venue: Text2 {
                zh: self.venue_zh.clone(),
                en: self.venue_en.clone(),
            },
            agenda: Text2 {
                zh: self.agenda_zh.trim().to_string(),
                en: self.agenda_en.trim().to_string(),
            },
            starts_at,
            ends_at,
            timezone: tz,
            capacity: self.capacity,
            min_years: self.min_years,
            auto_approve: self.auto_approve,
            group_link: self.group_link.clone().filter(|l| !l.is_empty()),
            groups: [
                ("wecom_group_chat_id", &self.wecom_group_chat_id),
                ("slack_channel", &self.slack_channel),
                ("telegram_chat_id", &self.telegram_chat_id),
                ("discord_role_id", &self.discord_role_id),
            ]
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_ref()
                    .filter(|v| !v.is_empty())
                    .map(|v| (k.to_string(), v.clone()))
            })
            .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_run_without_credentials() {
        let t = load_table(None, std::iter::empty()).unwrap();
        let s = Settings::from_table(&t).unwrap();
        assert_eq!(s.http.bind, "127.0.0.1:8080");
        let l = s.http.limits().unwrap();
        assert_eq!(l.header_timeout, std::time::Duration::from_secs(10));
        assert_eq!(l.max_connections, 512);
        assert_eq!(s.salons.len(), 1);
        assert_eq!(s.salons[0].capacity, 20);
        assert_eq!(s.salons[0].min_years, 3);
        let e = s.engine_config().unwrap();
        assert!(e
            .organizers
            .contains(&UserRef::new(Platform::Console, "admin")));
        assert_eq!(e.claim_window, Duration::hours(12));
    }

    #[test]
    fn environment_overrides_win_over_file_and_defaults() {
        let env = vec![
            ("YUNQI_HTTP__BIND".to_string(), "0.0.0.0:9000".to_string()),
            ("YUNQI_SCHEDULER__TICK_SECONDS".to_string(), "5".to_string()),
            (
                "YUNQI_ROLES__ORGANIZERS".to_string(),
                r#"["slack:U1", "console:boss"]"#.to_string(),
            ),
            ("OTHER".to_string(), "x".to_string()),
        ];
        let s = Settings::from_table(&load_table(None, env.into_iter()).unwrap()).unwrap();
        assert_eq!(s.http.bind, "0.0.0.0:9000");
        assert_eq!(s.scheduler.tick_seconds, 5);
        assert_eq!(s.roles.organizers, vec!["slack:U1", "console:boss"]);
    }

    #[test]
    fn the_writer_is_pinned_unless_told_not_to() {
        let s = Settings::from_table(&load_table(None, std::iter::empty()).unwrap()).unwrap();
        assert!(s.storage.pin_writer);
        let env = [("YUNQI_STORAGE__PIN_WRITER".to_string(), "false".to_string())];
        let s = Settings::from_table(&load_table(None, env.into_iter()).unwrap()).unwrap();
        assert!(!s.storage.pin_writer);
    }

    #[test]
    fn the_first_salon_is_dated_the_next_saturday_afternoon_in_shanghai() {
        let s = Settings::from_table(&load_table(None, std::iter::empty()).unwrap()).unwrap();
        // Thursday 2026-11-26 12:00 UTC → Saturday 2026-11-28 14:00 +08:00.
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        let salon = s.seed_salons(now).unwrap().remove(0);
        assert_eq!(
            salon.starts_at,
            Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
        );
        assert_eq!(
            salon.ends_at,
            Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap()
        );
        // Saturday 15:00 Shanghai: this week's has started, so the next one.
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 7, 0, 0).unwrap();
        let salon = s.seed_salons(now).unwrap().remove(0);
        assert_eq!(
            salon.starts_at,
            Utc.with_ymd_and_hms(2026, 12, 5, 6, 0, 0).unwrap()
        );
    }

    #[test]
    fn the_example_file_with_every_key_is_valid() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/example.toml");
        let t = load_table(Some(path), std::iter::empty()).unwrap();
        let s = Settings::from_table(&t).unwrap();
        s.engine_config().unwrap();
        assert_eq!(s.seed_salons(Utc::now()).unwrap().len(), 1);
    }

    #[test]
    fn durations_need_a_number_and_a_unit() {
        assert_eq!(parse_duration("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_duration("90m").unwrap(), Duration::minutes(90));
        assert!(parse_duration("12").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("3 weeks").is_err());
    }
}

#[cfg(test)]
#[path = "settings_announce_tests.rs"]
mod announce_tests;
