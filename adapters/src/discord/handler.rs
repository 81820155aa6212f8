//! serenity's EventHandler: it only translates (see `inbound`, `interact`) and forwards.

use super::commands;
use super::inbound::from_message;
use super::interact::Interact;
use super::queue::ChannelQueues;
use super::state::DiscordState;
use serenity::all::{Command, Context, EventHandler, Guild, GuildId, Interaction, Message, Ready};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use yunqi_bot::ports::EventSink;

pub struct Handler {
    pub shared: Arc<DiscordState>,
    pub sink: Arc<dyn EventSink>,
    pub ack_wait: Duration,
    registered: AtomicBool,
    /// One channel's messages reach the core in order.
    queues: Arc<ChannelQueues>,
}

impl Handler {
    pub fn new(shared: Arc<DiscordState>, sink: Arc<dyn EventSink>) -> Handler {
        Handler {
            shared,
            sink,
            ack_wait: super::interact::ACK_WAIT,
            registered: AtomicBool::new(false),
            queues: Arc::default(),
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        self.shared.set_me(ready.user.id);
        for g in &ready.guilds {
            self.shared.learn_guild_id(g.id);
        }
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "discord gateway ready");
        if self.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        let list = commands::commands();
        let done = match self.shared.guild() {
            Some(g) => GuildId::new(g).set_commands(&ctx.http, list).await,
            None => Command::set_global_commands(&ctx.http, list).await,
        };
        if let Err(e) = done {
            self.registered.store(false, Ordering::SeqCst);
            tracing::warn!(error = %e, "discord commands not registered");
        }
    }

    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        self.shared.learn_guild(&guild);
    }

    async fn message(&self, _ctx: Context, m: Message) {
        let Some(ev) = from_message(&m, self.shared.me()) else {
            return;
        };
        self.queues
            .push(self.sink.clone(), m.channel_id.get(), m.id.get(), ev);
    }

    async fn interaction_create(&self, ctx: Context, i: Interaction) {
        Interact {
            http: ctx.http.clone(),
            shared: self.shared.clone(),
            sink: self.sink.clone(),
            ack_wait: self.ack_wait,
        }
        .on_interaction(i)
        .await;
    }
}
