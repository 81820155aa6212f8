//! Messages queued in the transaction: buffered, written at flush (`super::super::outbox::push`).

use super::SqlTx;
use chrono::{DateTime, Utc};
use yunqi_bot::ids::OutboxId;
use yunqi_bot::message::Outgoing;
use yunqi_bot::ports::{FailedDelivery, OutboxTx, StoreResult};

impl OutboxTx for SqlTx {
    async fn outbox_push(&mut self, msgs: Vec<Outgoing>, at: DateTime<Utc>) -> StoreResult<()> {
        if self.c.w.outbox.is_empty() {
            self.c.w.outbox = msgs;
        } else {
            self.c.w.outbox.extend(msgs);
        }
        self.c.w.outbox_at.get_or_insert(at);
        Ok(())
    }

    async fn outbox_failed_after(
        &mut self,
        after: OutboxId,
        limit: u32,
    ) -> StoreResult<Vec<FailedDelivery>> {
        super::super::ops::failed_after(&mut self.tx, after.0, limit).await
    }
}
