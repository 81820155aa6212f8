//! A recording `EventSink` standing in for the core: it keeps every event, and can be
//! slow, fail, or answer inline.

use crate::lock;
use futures::future::BoxFuture;
use std::sync::Mutex;
use std::time::Duration;
use yunqi_bot::message::{Outgoing, Recipient, Reply};
use yunqi_bot::ports::{CoreError, EventSink, Handled};
use yunqi_bot::{EventKind, Inbound};

#[derive(Default)]
enum Replies {
    #[default]
    None,
    /// `echo: <text>` to events that ask for an inline reply.
    Echo,
    /// These texts inline, to every event.
    Fixed(Vec<String>),
}

#[derive(Default)]
pub struct Sink {
    pub events: Mutex<Vec<Inbound>>,
    pub delay: Mutex<Option<Duration>>,
    fail: bool,
    replies: Replies,
    /// Event ids seen, when deduplicating like the core.
    seen: Option<Mutex<std::collections::HashSet<String>>>,
}

impl Sink {
    pub fn new() -> Sink {
        Sink::default()
    }

    /// Answers events that ask for an inline reply with `echo: <text>`.
    pub fn echoing(mut self) -> Sink {
        self.replies = Replies::Echo;
        self
    }

    /// Answers every event inline with these texts.
    pub fn replying(mut self, texts: &[&str]) -> Sink {
        self.replies = Replies::Fixed(texts.iter().map(|t| t.to_string()).collect());
        self
    }

    /// Like the core: an event id seen before is answered `duplicate` and not recorded.
    pub fn deduplicating(mut self) -> Sink {
        self.seen = Some(Mutex::default());
        self
    }

    /// Takes `delay` before recording each event.
    pub fn slow(self, delay: Duration) -> Sink {
        *lock(&self.delay) = Some(delay);
        self
    }

    /// Records each event, then fails as if the storage were down.
    pub fn failing(mut self) -> Sink {
        self.fail = true;
        self
    }

    pub fn events(&self) -> Vec<Inbound> {
        lock(&self.events).clone()
    }

    /// Waits (bounded, about 4 s) until at least `n` events arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Inbound> {
        for _ in 0..200 {
            if lock(&self.events).len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.events()
    }

    fn answer(&self, ev: &Inbound) -> Handled {
        let to = Recipient {
            user: ev.user.clone(),
            conversation: ev.conversation.clone(),
        };
        let texts = match &self.replies {
            Replies::None => Vec::new(),
            Replies::Echo if ev.reply_inline => vec![format!("echo: {}", text_of(ev))],
            Replies::Echo => Vec::new(),
            Replies::Fixed(t) => t.clone(),
        };
        Handled {
            inline: texts
                .into_iter()
                .map(|t| Outgoing::new(to.clone(), Reply::text(t)))
                .collect(),
            queued: 0,
            duplicate: false,
        }
    }
}

/// The text an event carries (the conversation for a join).
pub fn text_of(ev: &Inbound) -> &str {
    match &ev.kind {
        EventKind::Text(t) | EventKind::Button(t) => t,
        EventKind::Joined { conversation } => conversation,
    }
}

impl EventSink for Sink {
    fn submit_event(&self, ev: Inbound) -> BoxFuture<'_, Result<Handled, CoreError>> {
        Box::pin(async move {
            let delay = *lock(&self.delay);
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            if let (Some(seen), Some(id)) = (&self.seen, &ev.event_id) {
                if !lock(seen).insert(id.clone()) {
                    return Ok(Handled {
                        duplicate: true,
                        ..Handled::default()
                    });
                }
            }
            lock(&self.events).push(ev.clone());
            if self.fail {
                return Err(CoreError::Failed("storage down".into()));
            }
            Ok(self.answer(&ev))
        })
    }
}
