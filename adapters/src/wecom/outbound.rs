//! The sending side: `AppOutbound` (members, `Platform::Wecom`, via `message/send`; the
//! group robot for the `robot` conversation) and `KfOutbound` (public WeChat users,
//! `Platform::Wechat`, via `kf/send_msg`).

use super::api::WecomApi;
use super::error::ApiError;
use super::limit::SendLimiter;
use super::render::{
    app_capabilities, kf_capabilities, new_task_id, render_app, render_kf, render_robot,
};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Instant;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Delivery, Outbound};

/// A WeCom recipient whose conversation is this goes to the group robot webhook.
pub const ROBOT_CONVERSATION: &str = "robot";

fn wrong_platform(f: &Fitted, want: Platform) -> Option<Delivery> {
    (f.to.user.platform != want).then(|| Delivery::Failed {
        error: format!("{} is not a {want} recipient", f.to.user),
    })
}

fn limited(wait: std::time::Duration, what: &str) -> Delivery {
    Delivery::Retry {
        after: Some(wait),
        error: format!("{what} send limit reached; waiting"),
    }
}

pub struct AppOutbound {
    api: Arc<WecomApi>,
    members: SendLimiter,
    robot: SendLimiter,
}

impl AppOutbound {
    pub fn new(api: Arc<WecomApi>) -> AppOutbound {
        AppOutbound {
            api,
            members: SendLimiter::app_member(),
            robot: SendLimiter::robot(),
        }
    }

    async fn to_robot(&self, f: &Fitted) -> Delivery {
        let messages = render_robot(f);
        if let Err(wait) = self
            .robot
            .take(ROBOT_CONVERSATION, messages.len(), Instant::now())
        {
            return limited(wait, "group robot");
        }
        for m in &messages {
            if let Err(e) = self.api.robot_send(m).await {
                return e.delivery();
            }
        }
        Delivery::Sent { message_id: None }
    }

    async fn to_member(&self, f: &Fitted) -> Delivery {
        let user = f.to.user.id.clone();
        let messages = render_app(f, &new_task_id());
        if let Err(wait) = self.members.take(&user, messages.len(), Instant::now()) {
            return limited(wait, "per-member");
        }
        let mut last = None;
        for m in &messages {
            match self.api.send_app(std::slice::from_ref(&user), m).await {
                Ok(r) if r.refused(&user) => {
                    return Delivery::Failed {
                        error: format!(
                            "invalid user {user}: outside the app's visible range or unlicensed"
                        ),
                    };
                }
                Ok(r) => last = r.msgid,
                Err(e) => return e.delivery(),
            }
        }
        Delivery::Sent { message_id: last }
    }
}

impl Outbound for AppOutbound {
    fn platform(&self) -> Platform {
        Platform::Wecom
    }

    fn capabilities(&self) -> Capabilities {
        app_capabilities()
    }

    /// App messages are outside the per-API caps; the per-member cap is kept per member.
    fn rate_per_second(&self) -> f64 {
        20.0
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if let Some(d) = wrong_platform(msg, Platform::Wecom) {
                return d;
            }
            match msg.to.conversation.as_deref() {
                Some(ROBOT_CONVERSATION) if self.api.has_robot() => self.to_robot(msg).await,
                // WeCom app messages are 1:1: anything else goes to the member directly
                _ => self.to_member(msg).await,
            }
        })
    }
}

pub struct KfOutbound {
    api: Arc<WecomApi>,
    open_kfid: String,
}

impl KfOutbound {
    /// Replies come from the kf account `open_kfid` (config `kf_open_kfid`).
    pub fn new(api: Arc<WecomApi>, open_kfid: Option<&str>) -> Result<KfOutbound, ApiError> {
        let open_kfid = open_kfid
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(ApiError::Config("wecom.kf_open_kfid"))?;
        Ok(KfOutbound {
            api,
            open_kfid: open_kfid.to_string(),
        })
    }
}

impl Outbound for KfOutbound {
    fn platform(&self) -> Platform {
        Platform::Wechat
    }

    fn capabilities(&self) -> Capabilities {
        kf_capabilities()
    }

    /// No kf send rate is published; the real cap is 5 replies per user message (95001).
    fn rate_per_second(&self) -> f64 {
        10.0
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            if let Some(d) = wrong_platform(msg, Platform::Wechat) {
                return d;
            }
            let mut last = None;
            for m in render_kf(msg) {
                match self
                    .api
                    .kf_send_msg(&msg.to.user.id, &self.open_kfid, None, &m)
                    .await
                {
                    Ok(id) => last = id,
                    Err(e) => return e.delivery(),
                }
            }
            Delivery::Sent { message_id: last }
        })
    }
}
