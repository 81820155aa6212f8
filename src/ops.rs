//! Operator commands beside a running server (`yunqi backup`, `yunqi outbox`) and the
//! scheduler's retention pass.

use crate::settings::Settings;
use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use yunqi_bot::ids::OutboxId;
use yunqi_bot::ports::{Clock, FailedDelivery};
use yunqi_storage::{AppStore, Purged, SqliteStore};

/// The database file of `[storage] url`, or `None` for an in-memory database.
pub fn db_file(url: &str) -> Option<PathBuf> {
    crate::serve_lock::lock_path(url).map(|lock| {
        let s = lock.to_string_lossy();
        PathBuf::from(s.strip_suffix(".serve.lock").unwrap_or(&s))
    })
}

/// `yunqi backup <file>`: online (no lock taken; `VACUUM INTO` reads one snapshot while
/// the server keeps writing), checked, owner-only, never over an existing file.
pub async fn backup(settings: &Settings, to: &Path) -> Result<()> {
    if yunqi_storage::Backend::of(&settings.storage.url) == yunqi_storage::Backend::Postgres {
        bail!("`yunqi backup` copies a SQLite file; back a PostgreSQL database up with pg_dump");
    }
    let Some(db) = db_file(&settings.storage.url) else {
        bail!("an in-memory database cannot be backed up");
    };
    if !db.exists() {
        bail!("no database at {}", db.display());
    }
    if to.exists() {
        bail!(
            "{} already exists: choose a new file (a backup never overwrites one)",
            to.display()
        );
    }
    let store = SqliteStore::open(&settings.storage.url)
        .await
        .with_context(|| format!("opening database {}", db.display()))?;
    let written = store.backup_to(to).await;
    store.close().await;
    let bytes = written.with_context(|| format!("backing up to {}", to.display()))?;
    println!(
        "backup of {} written to {} ({bytes} bytes, quick_check ok)",
        db.display(),
        to.display()
    );
    Ok(())
}

/// `yunqi outbox failed|retry`: beside a running server (its dispatcher picks re-queued
/// messages up within a second).
pub async fn outbox<S: AppStore>(settings: &Settings, what: crate::cli::Outbox) -> Result<()> {
    let store = crate::db::open::<S>(&settings.storage.url).await?;
    let done = outbox_command(&store, what).await;
    store.close().await;
    done
}

async fn outbox_command<S: AppStore>(store: &S, what: crate::cli::Outbox) -> Result<()> {
    use crate::cli::Outbox;
    match what {
        Outbox::Failed => {
            let failed = store.outbox_failed(10_000).await?;
            let mut out = std::io::stdout().lock();
            write_failed(&mut out, &failed)?;
        }
        Outbox::Retry { which } => {
            let id = match which.trim() {
                "all" => None,
                n => Some(OutboxId(n.trim_start_matches('#').parse().with_context(
                    || format!("{n:?}: expected a failed delivery's id or `all`"),
                )?)),
            };
            let n = store.outbox_retry(id, chrono::Utc::now()).await?;
            if n == 0 && id.is_some() {
                bail!("no failed delivery #{which} (see `yunqi outbox failed`)");
            }
            println!("{n} message(s) queued again");
        }
    }
    Ok(())
}

/// A recipient id shown by its first three and last two characters: enough to tell
/// people apart, not enough to reach them.
pub fn mask_recipient(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 5 {
        return "***".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}…{tail}")
}

/// Tab-separated, one failed delivery a line, with a header.
pub fn write_failed(out: &mut impl std::io::Write, failed: &[FailedDelivery]) -> Result<()> {
    writeln!(out, "id\tplatform\trecipient\tkind\treason\tfailed_at")?;
    for f in failed {
        let reason: String = f
            .reason
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(120)
            .collect();
        let at = f
            .failed_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{reason}\t{at}",
            f.id.0,
            f.to.user.platform.as_str(),
            mask_recipient(&f.to.user.id),
            f.kind.as_str()
        )?;
    }
    Ok(())
}

/// Retention, run by the scheduler once an hour: small batches with a pause between, so
/// the writer is never held up for long.
#[derive(Clone)]
pub struct Retention<S> {
    store: std::sync::Arc<S>,
    clock: std::sync::Arc<dyn Clock>,
    keep: chrono::Duration,
    last: Option<std::time::Instant>,
}

/// Rows per statement, and the most statements per pass.
const BATCH: u32 = 500;
const MAX_BATCHES: usize = 200;
const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

impl<S: AppStore> Retention<S> {
    pub fn new(app: &crate::app::App<S>) -> Retention<S> {
        Retention {
            store: app.store.clone(),
            clock: app.clock.clone(),
            // Checked when the settings were read.
            keep: crate::settings::parse_duration(&app.settings.storage.retention)
                .unwrap_or(chrono::Duration::days(30)),
            last: None,
        }
    }

    /// Each tick: masks newly delivered messages; once an hour: deletes old rows.
    pub async fn run_if_due(&mut self) {
        if let Err(e) = redact(self.store.as_ref()).await {
            tracing::warn!(error = %e, "masking delivered messages failed; next tick again");
        }
        if self.last.is_some_and(|l| l.elapsed() < EVERY) {
            return;
        }
        self.last = Some(std::time::Instant::now());
        match run_retention(self.store.as_ref(), self.clock.now() - self.keep).await {
            Ok(p) if p.outbox + p.inbound + p.redacted > 0 => tracing::info!(
                outbox = p.outbox,
                inbound = p.inbound,
                redacted = p.redacted,
                "retention pass"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention pass failed; next hour again"),
        }
    }
}

/// Masks contact details in delivered messages until it has caught up (bounded).
async fn redact<S: AppStore>(store: &S) -> Result<()> {
    for _ in 0..MAX_BATCHES {
        let (scanned, _) = store.redact_step(BATCH).await?;
        if scanned < BATCH as u64 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Deletes what is older than `before` and masks delivered messages, batch by batch.
pub async fn run_retention<S: AppStore>(store: &S, before: DateTime<Utc>) -> Result<Purged> {
    let mut total = Purged::default();
    for _ in 0..MAX_BATCHES {
        let p = store.retention_step(before, BATCH).await?;
        total.outbox += p.outbox;
        total.inbound += p.inbound;
        total.redacted += p.redacted;
        total.scanned += p.scanned;
        let full = BATCH as u64;
        if p.outbox < full && p.inbound < full && p.scanned < full {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked_to_their_ends() {
        assert_eq!(mask_recipient("U0123ABCDEF"), "U01…EF");
        assert_eq!(mask_recipient("123456789"), "123…89");
        assert_eq!(mask_recipient("bob"), "***");
        assert_eq!(mask_recipient("张三丰先生好"), "张三丰…生好");
    }
}
