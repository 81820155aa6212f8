//! Leases: a named right held by one replica until a time, so work that must run once
//! (the leader's, one outbox lane per platform) runs on one replica at a time, and another
//! takes it over when the holder stops renewing. Also the outbox row claims under a lane.

use super::StoreResult;
use crate::ids::{OutboxId, Platform};
use chrono::{DateTime, Utc};

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    pub holder: String,
    pub until: DateTime<Utc>,
}

#[trait_variant::make(Leases: Send)]
pub trait LocalLeases: Sync + 'static {
    /// Takes `name` for `holder` until `until` if it is free, expired or already its own
    /// (a renewal); `false` when another holder's lease is still running at `now`.
    async fn lease_acquire(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Gives `name` up if `holder` holds it (a clean stop hands over at once).
    async fn lease_release(&self, name: &str, holder: &str) -> StoreResult<()>;
    /// The holder of `name` at `now`, if its lease is running.
    async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<LeaseHolder>>;
}

/// Outbox row claims: a lane marks the rows it is about to deliver as its own until a
/// time, so a replica that dies mid-delivery frees them when that time passes.
#[trait_variant::make(OutboxClaims: Send)]
pub trait LocalOutboxClaims: Sync + 'static {
    /// Claims those of `ids` that are pending and unclaimed (or claimed by `holder`, or
    /// whose claim ran out), leaving out a recipient with a running claim by another
    /// holder (its chat stays in order); the ids claimed.
    async fn outbox_claim(
        &self,
        platform: Platform,
        holder: &str,
        ids: &[OutboxId],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Vec<OutboxId>>;
    /// Clears `holder`'s claims on `ids` (settled rows).
    async fn outbox_unclaim(&self, holder: &str, ids: &[OutboxId]) -> StoreResult<()>;
    /// Extends every claim `holder` has on pending rows of `platform` to `until`.
    async fn outbox_claims_renew(
        &self,
        platform: Platform,
        holder: &str,
        until: DateTime<Utc>,
    ) -> StoreResult<u64>;
}
