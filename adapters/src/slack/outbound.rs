//! The outbox dispatcher's Slack lane: a fitted message → chat.postMessage, a DM opened
//! with conversations.open first.

use super::api::SlackApi;
use super::render::{self, Message};
use futures::future::BoxFuture;
use std::sync::Arc;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ports::{Delivery, Outbound};
use yunqi_bot::Platform;

pub struct SlackOutbound {
    api: Arc<SlackApi>,
}

impl SlackOutbound {
    pub fn new(api: Arc<SlackApi>) -> SlackOutbound {
        SlackOutbound { api }
    }

    /// Posts one message; `message_id` is its `ts`, the id threads and edits use.
    pub async fn send(&self, f: &Fitted) -> Delivery {
        if f.to.user.platform != Platform::Slack {
            return Delivery::Failed {
                error: format!("not a Slack user: {}", f.to.user),
            };
        }
        let dm;
        let channel = match &f.to.conversation {
            Some(c) => c.as_str(),
            None => match self.api.open_dm(&f.to.user.id).await {
                Ok(c) => {
                    dm = c;
                    dm.as_str()
                }
                Err(e) => return e.into(),
            },
        };
        let mut m = Message::fitted(f);
        m.channel = Some(channel);
        match self.api.post_message(&m).await {
            Ok(p) => Delivery::Sent {
                message_id: Some(p.ts),
            },
            Err(e) => e.into(),
        }
    }
}

impl Outbound for SlackOutbound {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    fn capabilities(&self) -> Capabilities {
        render::capabilities()
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(self.send(msg))
    }
}
