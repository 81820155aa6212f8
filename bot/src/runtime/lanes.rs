//! Outbox lanes for several replicas: each platform's lane runs on the replica holding
//! its `lane:<platform>` lease (so the platform's rate limit holds in total), and reads
//! the outbox through row claims (so rows a dead replica was delivering come free when
//! its claims run out, and a recipient is sent to by one replica at a time).

use super::claimed::Claimed;
use super::lease::{hold, lane_lease, while_held, LeaseTerms};
use super::{DeliveryLog, Dispatcher};
use crate::ports::{Leases, Outbound, OutboxClaims, Store};
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

impl<S: Store + Leases + OutboxClaims> Dispatcher<S> {
    /// `spawn_observed`, each lane only while this replica holds its lane lease.
    pub fn spawn_leased(
        &self,
        adapters: Vec<Arc<dyn Outbound>>,
        terms: LeaseTerms,
        shutdown: watch::Receiver<bool>,
        log: Arc<DeliveryLog>,
    ) -> Vec<JoinHandle<()>> {
        let mut tasks = Vec::new();
        for adapter in adapters {
            let platform = adapter.platform();
            let (held, holder) = hold(
                self.store.clone(),
                self.clock.clone(),
                lane_lease(platform),
                terms.clone(),
                shutdown.clone(),
            );
            tasks.push(holder);
            let lane = Dispatcher {
                store: Arc::new(Claimed {
                    inner: self.store.clone(),
                    clock: self.clock.clone(),
                    holder: terms.holder.clone(),
                    ttl: terms.ttl,
                }),
                clock: self.clock.clone(),
                changed: self.changed.clone(),
                idle_poll: self.idle_poll,
            };
            let (store, clock, terms, log) = (
                self.store.clone(),
                self.clock.clone(),
                terms.clone(),
                log.clone(),
            );
            tasks.push(tokio::spawn(while_held(
                held,
                shutdown.clone(),
                move |stop| {
                    let mut t =
                        lane.spawn_observed(vec![adapter.clone()], stop.clone(), log.clone());
                    t.push(tokio::spawn(renew_claims(
                        store.clone(),
                        clock.clone(),
                        platform,
                        terms.clone(),
                        stop,
                    )));
                    t
                },
            )));
        }
        tasks
    }
}

/// Keeps this replica's row claims on the lane alive while it delivers (a slow platform
/// can take longer than the ttl over one page of rows).
async fn renew_claims<S: OutboxClaims>(
    store: Arc<S>,
    clock: Arc<dyn crate::ports::Clock>,
    platform: crate::ids::Platform,
    terms: LeaseTerms,
    mut stop: watch::Receiver<bool>,
) {
    let ttl = chrono::Duration::from_std(terms.ttl).unwrap_or(chrono::Duration::seconds(15));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(terms.ttl / 3) => {}
            r = stop.changed() => if r.is_err() || *stop.borrow() { return },
        }
        if let Err(e) = store
            .outbox_claims_renew(platform, &terms.holder, clock.now() + ttl)
            .await
        {
            tracing::warn!(%platform, error = %e, "outbox claims not renewed");
        }
    }
}
