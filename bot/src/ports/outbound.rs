//! A platform's sending side.

use super::Delivery;
use crate::capability::{Capabilities, Fitted};
use crate::ids::Platform;
use crate::message::Recipient;
use futures::future::BoxFuture;
use std::time::Duration;

pub trait Outbound: Send + Sync + 'static {
    fn platform(&self) -> Platform;
    fn capabilities(&self) -> Capabilities;
    /// Messages per second this adapter may send, sustained.
    fn rate_per_second(&self) -> f64 {
        10.0
    }
    /// The least time between two messages to one chat (`to`'s conversation, else its
    /// direct chat). The lane defers that chat's next message and serves others meanwhile.
    fn recipient_gap(&self, _to: &Recipient) -> Duration {
        Duration::ZERO
    }
    /// Deliver only messages to this recipient (the console's attached user).
    fn recipient_filter(&self) -> Option<String> {
        None
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery>;
    /// `deliver` with a key that stays the same across retries of this part
    /// (`<outbox id>-<part>`), for platforms that take an idempotency id (微信客服 msgid).
    fn deliver_part<'a>(&'a self, msg: &'a Fitted, _key: &'a str) -> BoxFuture<'a, Delivery> {
        self.deliver(msg)
    }
    /// Recipients one call may carry the same message to (WeCom app messages: 1000).
    fn max_batch(&self) -> usize {
        1
    }
    /// The same message to many recipients (`msgs` differ only in `to`); one outcome
    /// each, in order. A batch counts as one send against the lane's rate.
    fn deliver_batch<'a>(&'a self, msgs: &'a [Fitted]) -> BoxFuture<'a, Vec<Delivery>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(msgs.len());
            for m in msgs {
                out.push(self.deliver(m).await);
            }
            out
        })
    }
}
