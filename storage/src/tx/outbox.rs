//! Messages queued in the transaction: buffered, written at flush (`crate::outbox::push`).

use super::SqliteTx;
use chrono::{DateTime, Utc};
use yunqi_bot::message::Outgoing;
use yunqi_bot::ports::{OutboxTx, StoreResult};

impl OutboxTx for SqliteTx {
    async fn outbox_push(&mut self, msgs: &[Outgoing], at: DateTime<Utc>) -> StoreResult<()> {
        self.c.w.outbox.extend_from_slice(msgs);
        self.c.w.outbox_at.get_or_insert(at);
        Ok(())
    }
}
