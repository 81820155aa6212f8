//! One call that turns a complete `[wecom]` section into everything the composition root
//! mounts: the webhook routes and the two `Outbound`s, sharing one API client (one token
//! cache), the kf reply windows and the group invitations.

use super::api::WecomApi;
use super::config::WecomConfig;
use super::invite::Invites;
use super::kf::{self, KfPuller};
use super::kf_session::KfSessions;
use super::notify::Notifier;
use super::outbound::{AppOutbound, KfOutbound};
use super::webhook::{routes, WecomState};
use crate::common::{Deps, SetupError, Wired};
use std::sync::Arc;
use yunqi_bot::ports::{EventSink, Kv};
use yunqi_bot::runtime::lease::while_held;
use yunqi_bot::Platform;

/// The adapter's parts before they are mounted.
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

fn client(e: impl ToString) -> SetupError {
    SetupError::Client {
        platform: "wecom API",
        error: e.to_string(),
    }
}

/// `GET|POST /webhooks/wecom`, the app's lane (`Platform::Wecom`) and, when `kf_open_kfid`
/// is set, the kf lane (`Platform::Wechat`) with its safety poll. WeCom organizers in
/// `deps.organizers` are told when a message cannot reach a WeChat user.
pub async fn build(cfg: &WecomConfig, deps: Deps) -> Result<Wired, SetupError> {
    let organizers = deps
        .organizers
        .iter()
        .filter(|u| u.platform == Platform::Wecom)
        .map(|u| u.id.clone())
        .collect();
    let w = parts(cfg, deps.sink, deps.kv, organizers)?;
    let mut wired = Wired {
        router: routes(w.state),
        ..Wired::default()
    };
    wired.outbounds.push(Arc::new(w.app));
    if let Some(kf) = w.kf {
        if let Some(puller) = &w.kf_puller {
            // detached: it ends by itself once the HTTP server holding the puller is gone,
            // and runs on the leader only (a callback's pull runs where it lands)
            let (puller, kfid) = (Arc::downgrade(puller), kf.open_kfid().to_string());
            let term = move |mut stop: tokio::sync::watch::Receiver<bool>| {
                let Some(puller) = puller.upgrade() else {
                    return Vec::new();
                };
                let poll = kf::spawn_safety_poll(
                    &puller,
                    kfid.clone(),
                    kf::SAFETY_POLL_FIRST,
                    kf::SAFETY_POLL_EVERY,
                );
                vec![tokio::spawn(async move {
                    while !*stop.borrow_and_update() {
                        if stop.changed().await.is_err() {
                            break;
                        }
                    }
                    poll.abort();
                })]
            };
            drop(tokio::spawn(while_held(
                deps.leader.clone(),
                deps.shutdown.clone(),
                term,
            )));
        }
        wired.outbounds.push(Arc::new(kf));
        wired.on.push("wechat (kf)");
    }
    wired.on.push("wecom");
    Ok(wired)
}

/// The parts, for tests and tools. `kv` keeps the kf pull cursor, the kf reply windows and
/// the join ways; `sink` receives every event; `organizers` are WeCom UserIDs told when a
/// message cannot reach a WeChat user or a join QR cannot be made.
pub fn parts(
    cfg: &WecomConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
    organizers: Vec<String>,
) -> Result<Wecom, SetupError> {
    let api = Arc::new(WecomApi::new(cfg).map_err(client)?);
    let invites = Arc::new(Invites::new(api.clone(), kv.clone()));
    let notify = Notifier::new(api.clone(), organizers).map(Arc::new);
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
                    .map_err(client)?
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
