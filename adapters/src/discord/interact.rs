//! Interactions (slash commands, button presses) answered within Discord's 3 seconds: the
//! core's inline replies become the interaction response (ephemeral: only the invoker
//! sees it) and follow-ups; when the core is slow the interaction is deferred first and
//! the replies edit the deferred response.

use super::inbound::{from_command, from_component};
use super::outbound::grant_role;
use super::render;
use super::state::DiscordState;
use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateAllowedMentions, CreateAttachment,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    EditInteractionResponse, Interaction,
};
use serenity::http::Http;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::timeout;
use yunqi_bot::capability::{fit, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ports::{CoreError, EventSink, Handled};
use yunqi_bot::{EventKind, Inbound};

/// How long an interaction waits for the core before it is deferred (Discord allows 3 s).
pub const ACK_WAIT: Duration = Duration::from_millis(2000);
/// Tries of a role grant for an approval answered inline.
const GRANT_TRIES: u32 = 5;

/// Either kind of interaction the bot answers.
enum Source {
    Command(Box<CommandInteraction>),
    Component(Box<ComponentInteraction>),
}

impl Source {
    async fn respond(&self, http: &Http, r: CreateInteractionResponse) -> serenity::Result<()> {
        match self {
            Source::Command(c) => c.create_response(http, r).await,
            Source::Component(c) => c.create_response(http, r).await,
        }
    }
    async fn followup(
        &self,
        http: &Http,
        f: CreateInteractionResponseFollowup,
    ) -> serenity::Result<()> {
        match self {
            Source::Command(c) => c.create_followup(http, f).await.map(|_| ()),
            Source::Component(c) => c.create_followup(http, f).await.map(|_| ()),
        }
    }
    async fn edit(&self, http: &Http, e: EditInteractionResponse) -> serenity::Result<()> {
        match self {
            Source::Command(c) => c.edit_response(http, e).await.map(|_| ()),
            Source::Component(c) => c.edit_response(http, e).await.map(|_| ()),
        }
    }
    fn is_command(&self) -> bool {
        matches!(self, Source::Command(_))
    }
}

pub struct Interact {
    pub http: Arc<Http>,
    pub shared: Arc<DiscordState>,
    pub sink: Arc<dyn EventSink>,
    pub ack_wait: Duration,
}

type Pending = Pin<Box<dyn Future<Output = Result<Handled, CoreError>> + Send>>;

impl Interact {
    pub async fn on_interaction(&self, i: Interaction) {
        let (src, ev) = match i {
            Interaction::Command(c) => {
                let ev = from_command(&c);
                (Source::Command(Box::new(c)), Some(ev))
            }
            Interaction::Component(c) => {
                let ev = from_component(&c);
                (Source::Component(Box::new(c)), ev)
            }
            _ => return,
        };
        let ev = match ev {
            Some(ev) => self.resolve(ev).await,
            None => None,
        };
        let Some(ev) = ev else {
            self.ack_only(&src).await;
            return;
        };
        let sink = self.sink.clone();
        let mut fut: Pending = Box::pin(async move { sink.submit_event(ev).await });
        match timeout(self.ack_wait, &mut fut).await {
            Ok(r) => {
                let parts = self.parts(r).await;
                self.answer(&src, parts).await;
            }
            Err(_) => {
                let defer = if src.is_command() {
                    CreateInteractionResponse::Defer(
                        CreateInteractionResponseMessage::new().ephemeral(true),
                    )
                } else {
                    CreateInteractionResponse::Acknowledge
                };
                if let Err(e) = src.respond(&self.http, defer).await {
                    tracing::warn!(error = %e, "discord defer failed");
                }
                let parts = self.parts(fut.await).await;
                self.answer_late(&src, parts).await;
            }
        }
    }

    /// A stored `custom_id` back to its command; `None` when unknown.
    async fn resolve(&self, mut ev: Inbound) -> Option<Inbound> {
        let EventKind::Button(id) = &ev.kind else {
            return Some(ev);
        };
        match render::PAYLOADS.resolve(self.shared.kv.as_ref(), id).await {
            Ok(Some(cmd)) => {
                ev.kind = EventKind::Button(cmd);
                Some(ev)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "discord button command unreadable");
                None
            }
        }
    }

    /// The core's inline replies as Discord-sized parts (or an apology).
    async fn parts(&self, r: Result<Handled, CoreError>) -> Vec<Fitted> {
        let h = match r {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(error = %e, "discord interaction not handled");
                return vec![apology()];
            }
        };
        let caps = render::capabilities();
        let parts: Vec<Fitted> = h
            .inline
            .iter()
            .filter_map(|o| fit(&o.reply, &o.to, &caps).ok())
            .flatten()
            .collect();
        for p in &parts {
            if let Err(d) = render::PAYLOADS
                .store(self.shared.kv.as_ref(), &p.buttons)
                .await
            {
                tracing::warn!(?d, "discord button command not stored");
            }
            if p.invite.is_some() {
                self.grant_in_background(p.clone());
            }
        }
        parts
    }

    fn grant_in_background(&self, f: Fitted) {
        let http = self.http.clone();
        let shared = self.shared.clone();
        tokio::spawn(async move {
            let mut wait = Duration::from_secs(1);
            for _ in 0..GRANT_TRIES {
                match grant_role(&http, &shared, &f).await {
                    Ok(_) => return,
                    Err(d) => {
                        tracing::warn!(?d, "discord role grant will be retried");
                        tokio::time::sleep(wait).await;
                        wait *= 2;
                    }
                }
            }
        });
    }

    /// Nothing for the core: the press is acknowledged, a command gets a blank ✓.
    async fn ack_only(&self, src: &Source) {
        let r = if src.is_command() {
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .content("✓")
                    .ephemeral(true),
            )
        } else {
            CreateInteractionResponse::Acknowledge
        };
        if let Err(e) = src.respond(&self.http, r).await {
            tracing::warn!(error = %e, "discord interaction response failed");
        }
    }

    async fn answer(&self, src: &Source, parts: Vec<Fitted>) {
        let mut parts = parts.into_iter();
        let Some(first) = parts.next() else {
            self.ack_only(src).await;
            return;
        };
        let r = CreateInteractionResponse::Message(response_message(&first));
        if let Err(e) = src.respond(&self.http, r).await {
            tracing::warn!(error = %e, "discord interaction response failed");
            return;
        }
        self.followups(src, parts).await;
    }

    async fn answer_late(&self, src: &Source, parts: Vec<Fitted>) {
        let mut parts = parts.into_iter();
        if src.is_command() {
            let Some(first) = parts.next() else {
                let done = EditInteractionResponse::new().content("✓");
                if let Err(e) = src.edit(&self.http, done).await {
                    tracing::warn!(error = %e, "discord deferred response not edited");
                }
                return;
            };
            if let Err(e) = src.edit(&self.http, edit_message(&first)).await {
                tracing::warn!(error = %e, "discord deferred response not edited");
                return;
            }
        }
        self.followups(src, parts).await;
    }

    async fn followups(&self, src: &Source, parts: impl Iterator<Item = Fitted>) {
        for p in parts {
            if let Err(e) = src.followup(&self.http, followup_message(&p)).await {
                tracing::warn!(error = %e, "discord follow-up failed");
                return;
            }
        }
    }
}

fn apology() -> Fitted {
    Fitted {
        to: yunqi_bot::message::Recipient::direct(yunqi_bot::UserRef::new(
            yunqi_bot::Platform::Discord,
            "",
        )),
        text: PlatformMsg::Apology.bilingual(),
        buttons: Vec::new(),
        attachment: None,
        thread: None,
        invite: None,
    }
}

fn attachment(f: &Fitted) -> Option<CreateAttachment> {
    f.attachment
        .as_ref()
        .map(|a| CreateAttachment::bytes(a.bytes().unwrap_or_default(), a.filename.clone()))
}

/// Always ephemeral: inline replies may be private, and only the invoker should see them.
pub fn response_message(f: &Fitted) -> CreateInteractionResponseMessage {
    let mut m = CreateInteractionResponseMessage::new()
        .content(render::content(&f.text))
        .allowed_mentions(CreateAllowedMentions::new())
        .ephemeral(true);
    let rows = render::rows(&f.buttons);
    if !rows.is_empty() {
        m = m.components(rows);
    }
    if let Some(a) = attachment(f) {
        m = m.add_file(a);
    }
    m
}

pub fn followup_message(f: &Fitted) -> CreateInteractionResponseFollowup {
    let mut m = CreateInteractionResponseFollowup::new()
        .content(render::content(&f.text))
        .allowed_mentions(CreateAllowedMentions::new())
        .ephemeral(true);
    let rows = render::rows(&f.buttons);
    if !rows.is_empty() {
        m = m.components(rows);
    }
    if let Some(a) = attachment(f) {
        m = m.add_file(a);
    }
    m
}

fn edit_message(f: &Fitted) -> EditInteractionResponse {
    let mut m = EditInteractionResponse::new()
        .content(render::content(&f.text))
        .allowed_mentions(CreateAllowedMentions::new());
    let rows = render::rows(&f.buttons);
    if !rows.is_empty() {
        m = m.components(rows);
    }
    if let Some(a) = attachment(f) {
        m = m.new_attachment(a);
    }
    m
}
