//! What the webhook route and the polling loop share: the Bot API client, the core's
//! event sink, the Kv (stored button commands), the webhook secret and who the bot is.

use super::commands;
use super::inbound::{from_update, BotIdentity, Incoming};
use super::render::PAYLOADS;
use std::sync::{Arc, RwLock};
use subtle::ConstantTimeEq;
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::requests::Requester;
use teloxide::types::{CallbackQueryId, Update};
use teloxide::{Bot, RequestError};
use yunqi_bot::ports::Kv;
use yunqi_bot::ports::{CoreError, EventSink};
use yunqi_bot::{EventKind, Locale};

#[derive(Clone)]
pub struct TelegramState {
    inner: Arc<Inner>,
}

struct Inner {
    bot: Bot,
    sink: Arc<dyn EventSink>,
    kv: Arc<dyn Kv>,
    secret: Option<String>,
    me: RwLock<BotIdentity>,
}

impl TelegramState {
    pub fn new(
        bot: Bot,
        sink: Arc<dyn EventSink>,
        kv: Arc<dyn Kv>,
        webhook_secret: Option<&str>,
    ) -> TelegramState {
        TelegramState {
            inner: Arc::new(Inner {
                bot,
                sink,
                kv,
                secret: webhook_secret.map(str::to_string),
                me: RwLock::new(BotIdentity::default()),
            }),
        }
    }

    pub fn bot(&self) -> &Bot {
        &self.inner.bot
    }

    pub fn kv(&self) -> &Arc<dyn Kv> {
        &self.inner.kv
    }

    pub fn identity(&self) -> BotIdentity {
        self.inner
            .me
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_identity(&self, me: BotIdentity) {
        *self.inner.me.write().unwrap_or_else(|e| e.into_inner()) = me;
    }

    /// Learns the bot's id and username with getMe.
    pub async fn identify(&self) -> Result<BotIdentity, RequestError> {
        let me = self.inner.bot.get_me().await?;
        let id = BotIdentity {
            id: Some(me.user.id.0),
            username: me.user.username.clone(),
        };
        self.set_identity(id.clone());
        Ok(id)
    }

    /// setMyCommands from the core's command list: Chinese by default and for `zh`
    /// clients, English for `en` clients.
    pub async fn register_commands(&self) -> Result<(), RequestError> {
        let bot = &self.inner.bot;
        bot.set_my_commands(commands::menu(Locale::Zh)).await?;
        bot.set_my_commands(commands::menu(Locale::Zh))
            .language_code("zh")
            .await?;
        bot.set_my_commands(commands::menu(Locale::En))
            .language_code("en")
            .await?;
        Ok(())
    }

    /// The webhook's `X-Telegram-Bot-Api-Secret-Token`, compared in constant time. Without
    /// a configured secret nothing over HTTP is trusted.
    pub fn check_secret(&self, given: Option<&[u8]>) -> bool {
        match (&self.inner.secret, given) {
            (Some(want), Some(got)) => bool::from(want.as_bytes().ct_eq(got)),
            _ => false,
        }
    }

    /// Handles one update: translates it, answers a button press at once, and hands the
    /// event to the core. Returns once the core has committed it.
    pub async fn handle(&self, u: &Update) -> Result<(), CoreError> {
        let ev = match from_update(u, &self.identity()) {
            Incoming::Ignored => return Ok(()),
            Incoming::Event(ev) => ev,
            Incoming::Press { callback_id, event } => {
                // Always answered, or the user's client keeps spinning.
                let bot = self.inner.bot.clone();
                tokio::spawn(async move {
                    if let Err(e) = bot
                        .answer_callback_query(CallbackQueryId(callback_id))
                        .await
                    {
                        tracing::warn!(error = %e, "answerCallbackQuery failed");
                    }
                });
                match event {
                    Some(ev) => match self.resolve(ev).await? {
                        Some(ev) => ev,
                        None => return Ok(()),
                    },
                    None => return Ok(()),
                }
            }
        };
        self.inner.sink.submit_event(ev).await.map(|_| ())
    }

    /// A button whose data names a stored command gets the command back; `None` when the
    /// key is unknown (nothing to do).
    async fn resolve(
        &self,
        mut ev: yunqi_bot::Inbound,
    ) -> Result<Option<yunqi_bot::Inbound>, CoreError> {
        let EventKind::Button(data) = &ev.kind else {
            return Ok(Some(ev));
        };
        match PAYLOADS.resolve(self.inner.kv.as_ref(), data).await {
            Ok(Some(command)) => {
                ev.kind = EventKind::Button(command);
                Ok(Some(ev))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(CoreError::Failed(format!("reading a button command: {e}"))),
        }
    }
}
