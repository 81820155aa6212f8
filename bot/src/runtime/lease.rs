//! Holding a lease, and running work only while it is held. The holder renews every
//! ttl/3 and steps down on its own after 2/3 of the ttl without a renewal (the database
//! unreachable), so it stops before the lease can pass to another replica.

use crate::ports::{Clock, Leases};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};

/// The lease of the work that must run once: polling, the gateway, kf sync, the
/// scheduler tick and the retention sweep.
pub const LEADER: &str = "leader";

/// The lease of one platform's outbox lane.
pub fn lane_lease(platform: crate::ids::Platform) -> String {
    format!("lane:{}", platform.as_str())
}

/// Who this replica is in the `leases` table and how long what it takes is its own.
#[derive(Clone)]
pub struct LeaseTerms {
    pub holder: String,
    pub ttl: Duration,
}

/// Holds lease `name` until `shutdown`; the receiver says whether it is held now (and
/// closes when the task ends). On shutdown the lease is released: the next holder
/// need not wait for it to run out.
pub fn hold<L: Leases>(
    leases: Arc<L>,
    clock: Arc<dyn Clock>,
    name: String,
    terms: LeaseTerms,
    mut shutdown: watch::Receiver<bool>,
) -> (watch::Receiver<bool>, JoinHandle<()>) {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(async move {
        let renew = terms.ttl / 3;
        let ttl = chrono::Duration::from_std(terms.ttl).unwrap_or(chrono::Duration::seconds(15));
        // Held (as far as this replica may assume) until then.
        let mut valid_until: Option<Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = clock.now();
            let asked = Instant::now();
            let mut next = asked + renew;
            match leases
                .lease_acquire(&name, &terms.holder, now, now + ttl)
                .await
            {
                Ok(true) => {
                    if valid_until.is_none() {
                        tracing::info!(lease = %name, holder = %terms.holder, "lease taken");
                    }
                    valid_until = Some(asked + terms.ttl - renew);
                }
                Ok(false) => {
                    if valid_until.take().is_some() {
                        tracing::warn!(lease = %name, "lease lost to another replica");
                    }
                    // Ask again when the holder's lease runs out: a takeover within the ttl.
                    if let Ok(Some(h)) = leases.lease_holder(&name, now).await {
                        let left = (h.until - clock.now()).to_std().unwrap_or_default();
                        next = next.min(Instant::now() + left + Duration::from_millis(5));
                    }
                }
                Err(e) => tracing::warn!(lease = %name, error = %e, "lease renewal failed"),
            }
            if valid_until.is_some_and(|v| v <= Instant::now()) {
                tracing::warn!(lease = %name, "lease not renewed in time; stepping down");
                valid_until = None;
            }
            tx.send_if_modified(|h| std::mem::replace(h, valid_until.is_some()) != *h);
            let wake = valid_until.map_or(next, |v| v.min(next));
            tokio::select! {
                _ = sleep_until(wake) => {}
                r = shutdown.changed() => if r.is_err() { break },
            }
        }
        let _ = tx.send(false);
        if valid_until.is_some() {
            if let Err(e) = leases.lease_release(&name, &terms.holder).await {
                tracing::warn!(lease = %name, error = %e, "lease release failed; it runs out");
            }
        }
    });
    (rx, task)
}

/// Runs `start(stop)` each time `held` turns true; `stop` turns true when it is no longer
/// held (or the holding task ended) or on `shutdown`, and the tasks are awaited before it
/// may start again, so a term's work is over before the next one begins.
pub async fn while_held<F>(
    mut held: watch::Receiver<bool>,
    mut shutdown: watch::Receiver<bool>,
    mut start: F,
) where
    F: FnMut(watch::Receiver<bool>) -> Vec<JoinHandle<()>>,
{
    loop {
        while !*held.borrow_and_update() {
            tokio::select! {
                r = held.changed() => if r.is_err() { return },
                r = shutdown.changed() => if r.is_err() { return },
            }
            if *shutdown.borrow() {
                return;
            }
        }
        let (stop, stopped) = watch::channel(false);
        let tasks = start(stopped);
        let end = loop {
            tokio::select! {
                r = held.changed() => match r {
                    Err(_) => break true,
                    Ok(()) if !*held.borrow_and_update() => break false,
                    Ok(()) => {}
                },
                r = shutdown.changed() => if r.is_err() || *shutdown.borrow() { break true },
            }
        };
        let _ = stop.send(true);
        for t in tasks {
            let _ = t.await;
        }
        if end {
            return;
        }
    }
}
