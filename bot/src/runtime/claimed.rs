//! The outbox as one replica's lane sees it: due rows are claimed for this replica until
//! now + ttl before they are handed out, and settling clears the claim. Wraps any store
//! with row claims, so the dispatcher itself is unchanged.

use crate::ids::Platform;
use crate::ports::{Clock, Delivery, OutboxClaims, OutboxRow, Settlement, Store, StoreResult};
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

pub struct Claimed<S> {
    pub inner: Arc<S>,
    pub clock: Arc<dyn Clock>,
    pub holder: String,
    pub ttl: Duration,
}

impl<S> Claimed<S> {
    fn until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::seconds(15))
    }
}

impl<S: Store + OutboxClaims> Store for Claimed<S> {
    type Tx = S::Tx;

    async fn begin(&self) -> StoreResult<S::Tx> {
        self.inner.begin().await
    }

    async fn outbox_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxRow>> {
        let rows = self
            .inner
            .outbox_due(platform, recipient, waiting, now, limit)
            .await?;
        let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
        let claimed = self
            .inner
            .outbox_claim(platform, &self.holder, &ids, now, self.until(now))
            .await?;
        let claimed: HashSet<_> = claimed.into_iter().collect();
        Ok(rows
            .into_iter()
            .filter(|r| claimed.contains(&r.id))
            .collect())
    }

    async fn outbox_settle(&self, settled: &[Settlement]) -> StoreResult<()> {
        self.inner.outbox_settle(settled).await?;
        // A claim counts only on a pending row: one sent or failed for good needs no
        // second write (the SQL store clears it while settling), a retry's is cleared.
        let ids: Vec<_> = settled
            .iter()
            .filter(|s| matches!(s.outcome, Delivery::Retry { .. }))
            .map(|s| s.id)
            .collect();
        // A claim left behind runs out on its own; the settlement is what counts.
        if let Err(e) = self.inner.outbox_unclaim(&self.holder, &ids).await {
            tracing::warn!(error = %e, "could not clear outbox claims; they run out");
        }
        Ok(())
    }

    async fn outbox_expand(&self, platform: Platform, window: u32) -> StoreResult<u64> {
        self.inner.outbox_expand(platform, window).await
    }

    async fn outbox_pending(
        &self,
        platform: Platform,
        recipient: Option<&str>,
    ) -> StoreResult<i64> {
        self.inner.outbox_pending(platform, recipient).await
    }

    async fn outbox_next_due(
        &self,
        platform: Platform,
        recipient: Option<&str>,
        waiting: &[String],
    ) -> StoreResult<Option<DateTime<Utc>>> {
        self.inner
            .outbox_next_due(platform, recipient, waiting)
            .await
    }
}
