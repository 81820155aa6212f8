//! One call that turns a complete `[discord]` section into the outbox lane and the
//! gateway task; `run` drives the gateway until shutdown.

use super::api;
use super::config::DiscordConfig;
use super::handler::Handler;
use super::outbound::DiscordOutbound;
use super::state::DiscordState;
use crate::common::{Deps, SetupError, Wired};
use serenity::all::{ClientBuilder, GatewayIntents};
use serenity::Client;
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_bot::ports::EventSink;
use yunqi_bot::runtime::lease::while_held;

/// GUILDS (roles, guild ids), guild and direct messages; MESSAGE_CONTENT only when asked
/// for. Interactions need no intent.
pub fn intents(cfg: &DiscordConfig) -> GatewayIntents {
    let mut i =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if cfg.message_content {
        i |= GatewayIntents::MESSAGE_CONTENT;
    }
    i
}

/// The outbox lane sharing the gateway client's `Http`, and the gateway task until
/// shutdown.
pub async fn build(cfg: &DiscordConfig, deps: Deps) -> Result<Wired, SetupError> {
    if cfg.api_base().is_some() {
        tracing::warn!("[discord] api_base is set: serenity's rate limiter is off, 429s are retried by the outbox");
    }
    let state = DiscordState::new(deps.kv, cfg.guild_id());
    let client = gateway_client(cfg, &state, &deps.sink).await?;
    let mut wired = Wired::default();
    wired.outbounds.push(Arc::new(DiscordOutbound::new(
        client.http.clone(),
        state.clone(),
    )));
    // Only the leader holds a gateway session; a later term connects a new client.
    let (cfg, sink) = (cfg.clone(), deps.sink.clone());
    let first = Arc::new(std::sync::Mutex::new(Some(client)));
    let term = move |stop| {
        let (cfg, state, sink, first) = (cfg.clone(), state.clone(), sink.clone(), first.clone());
        vec![tokio::spawn(async move {
            let taken = first.lock().ok().and_then(|mut f| f.take());
            let client = match taken {
                Some(c) => c,
                None => match gateway_client(&cfg, &state, &sink).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::error!(error = %e, "discord gateway client; no gateway this term");
                        return;
                    }
                },
            };
            run(client, stop).await
        })]
    };
    wired
        .tasks
        .push(tokio::spawn(while_held(deps.leader, deps.shutdown, term)));
    wired.on.push("discord");
    Ok(wired)
}

/// A gateway client with its own `Http` and event handler.
async fn gateway_client(
    cfg: &DiscordConfig,
    state: &Arc<DiscordState>,
    sink: &Arc<dyn EventSink>,
) -> Result<Client, SetupError> {
    let http = api::http(cfg)?;
    let handler = Handler::new(state.clone(), sink.clone());
    let client = ClientBuilder::new_with_http(http, intents(cfg))
        .event_handler(handler)
        .await
        .map_err(|e| SetupError::Client {
            platform: "discord gateway",
            error: e.to_string(),
        })?;
    if let Some(url) = cfg.gateway_url() {
        *client.ws_url.lock().await = url.to_string();
    }
    Ok(client)
}

/// Runs the gateway until `shutdown` turns true.
pub async fn run(mut client: Client, mut shutdown: watch::Receiver<bool>) {
    let shards = client.shard_manager.clone();
    tokio::select! {
        r = client.start() => {
            if let Err(e) = r {
                tracing::error!(error = %e, "discord gateway stopped");
            }
        }
        _ = shutdown.changed() => {
            shards.shutdown_all().await;
        }
    }
}
