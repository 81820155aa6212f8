//! One call that turns a complete `[discord]` section into a gateway client (not yet
//! started) and the outbox lane sharing its `Http`; `run` drives the gateway until
//! shutdown.

use super::api::{self, SetupError};
use super::config::DiscordConfig;
use super::handler::Handler;
use super::outbound::DiscordOutbound;
use super::state::Shared;
use serenity::all::{ClientBuilder, GatewayIntents};
use serenity::Client;
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub struct Discord {
    pub client: Client,
    pub outbound: DiscordOutbound,
    pub shared: Arc<Shared>,
}

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

pub async fn build(
    cfg: &DiscordConfig,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
) -> Result<Discord, SetupError> {
    let http = api::http(cfg)?;
    let shared = Shared::new(kv, cfg.guild_id());
    let handler = Handler::new(shared.clone(), sink);
    let client = ClientBuilder::new_with_http(http, intents(cfg))
        .event_handler(handler)
        .await
        .map_err(|e| SetupError::Gateway(e.to_string()))?;
    if let Some(url) = cfg.gateway_url() {
        *client.ws_url.lock().await = url.to_string();
    }
    let outbound = DiscordOutbound::new(client.http.clone(), shared.clone());
    Ok(Discord {
        client,
        outbound,
        shared,
    })
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
