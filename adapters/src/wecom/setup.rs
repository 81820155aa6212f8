//! One call that turns a complete `[wecom]` section into everything the composition root
//! mounts: the webhook state (for `routes`) and the two `Outbound`s.

use super::api::WecomApi;
use super::config::{SetupError, WecomConfig};
use super::kf::KfPuller;
use super::outbound::{AppOutbound, KfOutbound};
use super::webhook::WecomState;
use std::sync::Arc;
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub struct Wecom {
    /// The shared API client (one token cache for the app).
    pub api: Arc<WecomApi>,
    /// For `wecom::routes`.
    pub state: WecomState,
    /// `Platform::Wecom`: members, and the group robot for the `robot` conversation.
    pub app: AppOutbound,
    /// `Platform::Wechat`: 微信客服 users; only when `kf_open_kfid` is set.
    pub kf: Option<KfOutbound>,
}

/// Builds the adapter. `kv` keeps the kf pull cursor; `sink` receives every event.
pub fn build(
    cfg: &WecomConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
) -> Result<Wecom, SetupError> {
    let api = Arc::new(WecomApi::new(cfg).map_err(|e| SetupError::Api(e.to_string()))?);
    let mut state = WecomState::from_config(cfg, sink.clone())?;
    let kf_id = cfg
        .kf_open_kfid
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let kf = match kf_id {
        Some(id) => {
            state = state.with_kf(Arc::new(KfPuller::new(api.clone(), kv, sink)));
            Some(
                KfOutbound::new(api.clone(), Some(id))
                    .map_err(|e| SetupError::Api(e.to_string()))?,
            )
        }
        None => None,
    };
    Ok(Wecom {
        app: AppOutbound::new(api.clone()),
        api,
        state,
        kf,
    })
}
