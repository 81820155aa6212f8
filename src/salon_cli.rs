//! `yunqi salon list` and `yunqi salon add --file salon.toml` for operators who prefer
//! files: the same fields as one `[[salons]]` entry, created through the core (audit,
//! `[announce]` posts), once per `key`.

use crate::app::App;
use crate::settings::SalonSeed;
use anyhow::{Context, Result};
use std::io::Write;
use yunqi_bot::model::{Salon, SeatCounts};
use yunqi_storage::AppStore;

/// `id  start  status  held/capacity  waitlist  title`, one salon a line.
pub fn write_list(out: &mut impl Write, salons: &[(Salon, SeatCounts)]) -> Result<()> {
    writeln!(out, "id\tstart\tstatus\theld/capacity\twaitlist\ttitle")?;
    for (s, c) in salons {
        let start = s
            .info
            .starts_at
            .with_timezone(&s.info.timezone)
            .format("%Y-%m-%d %H:%M");
        writeln!(
            out,
            "{}\t{start}\t{}\t{}/{}\t{}\t{}",
            s.id,
            s.status.as_str(),
            c.held,
            s.info.capacity,
            c.waitlisted,
            s.info.title.get(yunqi_bot::Locale::Zh)
        )?;
    }
    Ok(())
}

pub async fn list<S: AppStore>(store: &S) -> Result<()> {
    let salons = store.salon_list().await?;
    write_list(&mut std::io::stdout().lock(), &salons)
}

/// Reads one `[[salons]]` entry's fields from `file` (a bare table, or `[[salons]]`).
pub fn read_seed(file: &str) -> Result<SalonSeed> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
    let table: toml::Table = toml::from_str(&text).with_context(|| format!("parsing {file}"))?;
    let entry = match table.get("salons") {
        Some(toml::Value::Array(a)) if a.len() == 1 => a[0].clone(),
        Some(_) => anyhow::bail!("{file}: give exactly one salon"),
        None => toml::Value::Table(table),
    };
    entry
        .try_into()
        .with_context(|| format!("{file}: the fields of one [[salons]] entry"))
}

/// Creates the salon in `file` unless its `key` exists; prints the result.
pub async fn add<S: AppStore>(app: &App<S>, file: &str) -> Result<()> {
    let seed = read_seed(file)?;
    let salon = seed.resolve(app.clock.now())?;
    let before = app.store.salon_list().await?.len();
    app.core
        .add_salons(vec![(seed.key.clone(), salon)])
        .await
        .context("adding the salon")?;
    let after = app.store.salon_list().await?;
    let mut out = std::io::stdout().lock();
    if after.len() > before {
        let newest = after.iter().map(|(s, _)| s.id.0).max().unwrap_or_default();
        writeln!(out, "created salon #{newest} / 已创建沙龙 #{newest}")?;
    } else {
        writeln!(
            out,
            "a salon with key {:?} exists already: left alone / 该 key 的沙龙已存在，未改动",
            seed.key.unwrap_or_default()
        )?;
    }
    Ok(())
}
