//! What an inbound Slack delivery does, whatever carried it (HTTP or Socket Mode): submit
//! to the core, wait for it up to the ack deadline, and say what to answer.

use super::decision::{self, Source};
use super::dto::{BlockActions, Envelope, Event, Interaction, SlashCommand};
use super::inbound;
use super::modal::{self, Submission};
use super::outbound::invite_in_background;
use super::render::{self, Message};
use super::state::SlackState;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::time::{timeout, Instant};
use yunqi_bot::capability::{fit, Fitted};
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::message::Outgoing;
use yunqi_bot::ports::{CoreError, Handled};
use yunqi_bot::Inbound;

/// A response_url takes at most 5 posts (§3).
const RESPONSE_URL_POSTS: usize = 5;
/// views.open must happen while the trigger lives; leave the rest of the ack window.
const MODAL_WAIT: Duration = Duration::from_millis(1200);

/// What to answer Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200 with an empty body (over Socket Mode: a bare ack).
    Empty,
    /// 200 with this JSON body (over Socket Mode: the ack's payload).
    Json(Vec<u8>),
    /// The url_verification challenge.
    Challenge(String),
    /// The core failed or stopped: let Slack deliver again (HTTP 500, or no ack).
    Retry,
    /// Decoding failed: 400, no effect.
    BadRequest,
}

type Pending = Pin<Box<dyn Future<Output = Result<Handled, CoreError>> + Send>>;

enum Outcome {
    Done(Result<Handled, CoreError>),
    /// Still running after the wait; it finishes in the background.
    Late(Pending),
}

async fn submit(state: &SlackState, ev: Inbound, wait: Duration) -> Outcome {
    let sink = state.sink().clone();
    // Owned, so a slow one can be moved into a task instead of dropped.
    let mut fut: Pending = Box::pin(async move { sink.submit_event(ev).await });
    match timeout(wait, &mut fut).await {
        Ok(r) => Outcome::Done(r),
        Err(_) => Outcome::Late(fut),
    }
}

fn finish_in_background(fut: Pending) {
    tokio::spawn(async move {
        if let Err(e) = fut.await {
            tracing::warn!(error = %e, "slack event failed after its ack");
        }
    });
}

/// Submits and acks: the core's verdict when it is quick, a bare ack when it is not.
async fn submit_acked(state: &SlackState, ev: Inbound) -> Answer {
    match submit(state, ev, state.ack_wait()).await {
        Outcome::Done(Ok(_)) => Answer::Empty,
        Outcome::Done(Err(e)) => {
            tracing::warn!(error = %e, "slack event not handled; asking for a retry");
            Answer::Retry
        }
        Outcome::Late(fut) => {
            finish_in_background(fut);
            Answer::Empty
        }
    }
}

pub async fn events(state: &SlackState, env: Envelope) -> Answer {
    let cb = match env {
        Envelope::UrlVerification { challenge } => return Answer::Challenge(challenge),
        Envelope::EventCallback(cb) => *cb,
        Envelope::Other => return Answer::Empty,
    };
    let key = match &cb.event {
        Event::Message(m) | Event::AppMention(m) => m.channel.clone().zip(m.ts.clone()),
        Event::Other => None,
    };
    let event_id = cb.event_id.clone();
    let Some(ev) = inbound::from_event(cb, &state.identity()) else {
        return Answer::Empty;
    };
    if let Some((channel, ts)) = key {
        if !state.first_delivery(&channel, &ts, &event_id) {
            return Answer::Empty;
        }
    }
    submit_acked(state, ev).await
}

pub async fn command(state: &SlackState, cmd: SlashCommand) -> Answer {
    if cmd.ssl_check.is_some() {
        return Answer::Empty;
    }
    if cmd.user_id.is_empty() || cmd.command.is_empty() {
        return Answer::BadRequest;
    }
    let deadline = Instant::now() + state.ack_wait();
    let text = inbound::command_text(&cmd.command, &cmd.text, state.command());
    if !cmd.trigger_id.is_empty() {
        if let Some(salon) = modal::wants_modal(&text) {
            let view = modal::registration_view(salon);
            match timeout(
                MODAL_WAIT.min(state.ack_wait() / 2),
                state.api().views_open(&cmd.trigger_id, &view),
            )
            .await
            {
                Ok(Ok(())) => return Answer::Empty,
                // Fall back to the core's dialogue.
                Ok(Err(e)) => tracing::warn!(error = %e, "views.open failed"),
                Err(_) => tracing::warn!("views.open timed out"),
            }
        }
    }
    let ev = inbound::from_command(&cmd, text);
    match submit(
        state,
        ev,
        deadline.saturating_duration_since(Instant::now()),
    )
    .await
    {
        Outcome::Done(Ok(h)) => {
            let mut parts = inline_parts(&h.inline);
            invite_in_background(state.api(), &parts);
            if parts.is_empty() {
                return Answer::Empty;
            }
            let rest = parts.split_off(1);
            if !rest.is_empty() {
                respond_later(state, cmd.response_url, Box::pin(async move { Ok(rest) }));
            }
            Answer::Json(response_body(&parts[0]))
        }
        Outcome::Done(Err(e)) => {
            tracing::warn!(error = %e, "slash command failed");
            Answer::Json(error_body())
        }
        Outcome::Late(fut) => {
            let api = state.api().clone();
            let parts = Box::pin(async move {
                fut.await.map(|h| {
                    let parts = inline_parts(&h.inline);
                    invite_in_background(&api, &parts);
                    parts
                })
            });
            respond_later(state, cmd.response_url, parts);
            Answer::Empty
        }
    }
}

pub async fn interaction(state: &SlackState, i: Interaction) -> Answer {
    let ev = match i {
        Interaction::BlockActions(b) => return button(state, &b).await,
        Interaction::ViewSubmission(v) => match modal::submission(&v.view) {
            Submission::NotOurs => return Answer::Empty,
            Submission::Errors(body) => return Answer::Json(body.to_string().into_bytes()),
            Submission::Register(text) => Inbound::text(
                yunqi_bot::UserRef::new(yunqi_bot::Platform::Slack, v.user.id),
                text,
            ),
        },
        Interaction::Other => return Answer::Empty,
    };
    // Slack does not redeliver interactions, so a failure is not answered with a retry:
    // the core has already told the user.
    match submit_acked(state, ev).await {
        Answer::Retry => Answer::Empty,
        a => a,
    }
}

/// A button press: the core's answer to the presser comes back inline and is shown in
/// the pressed message (`decision`), after the ack.
async fn button(state: &SlackState, b: &BlockActions) -> Answer {
    let Some(ev) = inbound::from_block_actions(b) else {
        return Answer::Empty;
    };
    let src = Source::of(b, ev.conversation.is_some());
    let api = state.api().clone();
    match submit(state, ev, state.ack_wait()).await {
        Outcome::Done(Ok(h)) => {
            tokio::spawn(async move { decision::show(&api, src, h.inline).await });
        }
        // The core has queued an apology; Slack does not redeliver interactions.
        Outcome::Done(Err(e)) => tracing::warn!(error = %e, "button press not handled"),
        Outcome::Late(fut) => {
            tokio::spawn(async move {
                match fut.await {
                    Ok(h) => decision::show(&api, src, h.inline).await,
                    Err(e) => tracing::warn!(error = %e, "button press failed after its ack"),
                }
            });
        }
    }
    Answer::Empty
}

/// The inline replies as Slack-sized messages.
fn inline_parts(inline: &[Outgoing]) -> Vec<Fitted> {
    let caps = render::capabilities();
    inline
        .iter()
        .filter_map(|o| fit(&o.reply, &o.to, &caps).ok())
        .flatten()
        .collect()
}

/// Always ephemeral: an inline reply may be private, and only the invoker sees these.
fn response_body(f: &Fitted) -> Vec<u8> {
    let mut m = Message::fitted(f);
    m.response_type = Some("ephemeral");
    m.thread_ts = None;
    serde_json::to_vec(&m).unwrap_or_default()
}

fn error_body() -> Vec<u8> {
    let text = PlatformMsg::Apology.bilingual();
    serde_json::to_vec(&Message {
        response_type: Some("ephemeral"),
        text: text.into(),
        ..Message::default()
    })
    .unwrap_or_default()
}

type PartsFuture = Pin<Box<dyn Future<Output = Result<Vec<Fitted>, CoreError>> + Send>>;

/// Delivers replies through the command's response_url once they are ready.
fn respond_later(state: &SlackState, response_url: String, parts: PartsFuture) {
    let api = state.api().clone();
    tokio::spawn(async move {
        let bodies = match parts.await {
            Ok(parts) => parts.iter().map(response_body).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "slash command failed after its ack");
                vec![error_body()]
            }
        };
        if response_url.is_empty() {
            return;
        }
        if bodies.len() > RESPONSE_URL_POSTS {
            tracing::warn!(
                parts = bodies.len(),
                "more replies than a response_url takes; the rest is dropped"
            );
        }
        for body in bodies.iter().take(RESPONSE_URL_POSTS) {
            if let Err(e) = api.respond(&response_url, body).await {
                tracing::warn!(error = %e, "response_url post failed");
                return;
            }
        }
    });
}
