//! `[replicas]`: this process's name in the `leases` table and how long a lease it takes
//! lasts. With SQLite there is one serve per file and every lease is taken at once; on a
//! shared database the replica holding `leader` runs the work that must run once.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::time::Duration;
use yunqi_bot::runtime::LeaseTerms;

#[derive(Debug, Clone, Deserialize)]
pub struct Replicas {
    /// How long a lease lasts without renewal (`15s`): another replica takes over the
    /// leader's work and a platform's lane this long after its holder died.
    #[serde(default = "fifteen_seconds")]
    pub lease: String,
}

impl Default for Replicas {
    fn default() -> Self {
        Replicas {
            lease: fifteen_seconds(),
        }
    }
}

fn fifteen_seconds() -> String {
    "15s".into()
}

/// Shorter leases renew too often to be worth it; longer ones leave work undone too long.
const SHORTEST: Duration = Duration::from_secs(3);
const LONGEST: Duration = Duration::from_secs(600);

impl Replicas {
    pub fn ttl(&self) -> Result<Duration> {
        let d = crate::settings::parse_duration(&self.lease)
            .context("[replicas] lease")?
            .to_std()
            .context("[replicas] lease")?;
        if !(SHORTEST..=LONGEST).contains(&d) {
            bail!("[replicas] lease {:?}: between 3s and 10m", self.lease);
        }
        Ok(d)
    }

    /// This process's lease terms, named `host:pid:random` (a restarted process is a new
    /// holder; the random part tells apart two containers with the same host name and pid).
    pub fn terms(&self) -> Result<LeaseTerms> {
        Ok(LeaseTerms {
            holder: replica_id(),
            ttl: self.ttl()?,
        })
    }
}

pub fn replica_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!(
        "{host}:{}:{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lease_is_validated_and_replica_ids_differ() {
        let r = |s: &str| Replicas { lease: s.into() };
        assert_eq!(r("15s").ttl().unwrap(), Duration::from_secs(15));
        assert_eq!(r("1m").ttl().unwrap(), Duration::from_secs(60));
        assert!(r("1s").ttl().is_err());
        assert!(r("1h").ttl().is_err());
        assert!(r("15").ttl().is_err());
        let (a, b) = (replica_id(), replica_id());
        assert_ne!(a, b);
        assert!(a.contains(&format!(":{}:", std::process::id())), "{a}");
    }
}
