//! One call that turns a complete `[wecom]` section into everything the composition root
//! mounts: the webhook state (for `routes`) and the two `Outbound`s, sharing one API client
//! (one token cache), the kf reply windows and the group invitations.

use super::api::WecomApi;
use super::config::{SetupError, WecomConfig};
use super::invite::Invites;
use super::kf::KfPuller;
use super::kf_session::KfSessions;
use super::notify::Notifier;
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
    /// The kf pull loop (also in `state`), for `spawn_safety_poll`.
    pub kf_puller: Option<Arc<KfPuller>>,
}

/// What the adapter needs beyond its config section.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// WeCom UserIDs of organizers, told when a message cannot reach a WeChat user or a
    /// join QR cannot be made.
    pub organizers: Vec<String>,
}

/// Builds the adapter. `kv` keeps the kf pull cursor, the kf reply windows and the join
/// ways; `sink` receives every event.
pub fn build(
    cfg: &WecomConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
) -> Result<Wecom, SetupError> {
    build_with(cfg, sink, kv, BuildOptions::default())
}

pub fn build_with(
    cfg: &WecomConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
    opts: BuildOptions,
) -> Result<Wecom, SetupError> {
    let api = Arc::new(WecomApi::new(cfg).map_err(|e| SetupError::Api(e.to_string()))?);
    let invites = Arc::new(Invites::new(api.clone(), kv.clone()));
    let notify = Notifier::new(api.clone(), opts.organizers).map(Arc::new);
    let mut state = WecomState::from_config(cfg, sink.clone())?
        .with_api(api.clone())
        .with_invites(invites.clone());
    let kf_id = cfg
        .kf_open_kfid
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut kf_puller = None;
    let kf = match kf_id {
        Some(id) => {
            let sessions = Arc::new(KfSessions::new(kv.clone()));
            let puller = Arc::new(
                KfPuller::new(api.clone(), kv, sink)
                    .with_sessions(sessions.clone())
                    .with_notifier(notify.clone()),
            );
            state = state.with_kf(puller.clone());
            kf_puller = Some(puller);
            Some(
                KfOutbound::new(api.clone(), Some(id))
                    .map_err(|e| SetupError::Api(e.to_string()))?
                    .with_sessions(sessions)
                    .with_invites(invites.clone())
                    .with_notifier(notify.clone()),
            )
        }
        None => None,
    };
    Ok(Wecom {
        app: AppOutbound::new(api.clone())
            .with_invites(invites)
            .with_notifier(notify),
        api,
        state,
        kf,
        kf_puller,
    })
}
