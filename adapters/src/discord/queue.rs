//! Messages from one Discord channel reach the core in order. serenity runs every gateway
//! event in a task of its own, so two messages of one channel could be submitted out of
//! order (the second overtaking the first while it waits for the writer); here each
//! channel has a queue, ordered by message id (snowflakes grow with time), drained by
//! one task at a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use yunqi_bot::ports::EventSink;
use yunqi_bot::Inbound;

#[derive(Default)]
pub struct ChannelQueues {
    /// channel id → its waiting messages by id; present while a task drains it.
    waiting: Mutex<HashMap<u64, BTreeMap<u64, Inbound>>>,
}

impl ChannelQueues {
    /// Queues `ev` (message `id` in `channel`); starts the channel's drain task unless one
    /// is running.
    pub fn push(self: &Arc<Self>, sink: Arc<dyn EventSink>, channel: u64, id: u64, ev: Inbound) {
        let start = {
            let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let fresh = !w.contains_key(&channel);
            w.entry(channel).or_default().insert(id, ev);
            fresh
        };
        if start {
            let queues = self.clone();
            tokio::spawn(async move { queues.drain(sink, channel).await });
        }
    }

    async fn drain(&self, sink: Arc<dyn EventSink>, channel: u64) {
        loop {
            let next = {
                let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                let Some(q) = w.get_mut(&channel) else { return };
                match q.pop_first() {
                    Some((_, ev)) => ev,
                    None => {
                        w.remove(&channel);
                        return;
                    }
                }
            };
            if let Err(e) = sink.submit_event(next).await {
                tracing::warn!(error = %e, "discord message not handled");
            }
        }
    }

    /// Channels with a drain task running (for tests).
    pub fn busy(&self) -> usize {
        self.waiting.lock().map(|w| w.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::BoxFuture;
    use std::time::Duration;
    use yunqi_bot::ports::{CoreError, Handled};
    use yunqi_bot::{EventKind, Platform, UserRef};

    /// Records texts; a text starting with "slow" takes 200 ms (a busy writer).
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl EventSink for Recorder {
        fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>> {
            Box::pin(async move {
                let EventKind::Text(t) = ev.kind else {
                    return Ok(Handled::default());
                };
                if t.starts_with("slow") {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                self.0.lock().unwrap().push(t);
                Ok(Handled::default())
            })
        }
    }

    fn msg(text: &str) -> Inbound {
        Inbound::text(UserRef::new(Platform::Discord, "u1"), text)
    }

    /// Issue 14 item 16: two messages of one channel, the first slow to handle.
    #[tokio::test]
    async fn one_channels_messages_reach_the_core_in_order() {
        // Today's handler: each event submitted from its own task.
        let direct = Arc::new(Recorder::default());
        let (a, b) = (direct.clone(), direct.clone());
        let t1 = tokio::spawn(async move { a.submit_event(msg("slow first")).await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        let t2 = tokio::spawn(async move { b.submit_event(msg("second")).await });
        let _ = (t1.await, t2.await);
        let unordered = direct.0.lock().unwrap().clone();

        let rec = Arc::new(Recorder::default());
        let q = Arc::new(ChannelQueues::default());
        q.push(rec.clone(), 6, 100, msg("slow first"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        q.push(rec.clone(), 6, 101, msg("second"));
        q.push(rec.clone(), 7, 102, msg("other channel"));
        for _ in 0..100 {
            if q.busy() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let ordered = rec.0.lock().unwrap().clone();
        eprintln!("submitted per task: {unordered:?}; through the channel queue: {ordered:?}");
        assert_eq!(
            unordered,
            ["second", "slow first"],
            "the race the queue fixes"
        );
        assert_eq!(
            ordered,
            ["other channel", "slow first", "second"],
            "in order per channel; another channel does not wait"
        );
    }
}
