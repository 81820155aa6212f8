//! Slack's inbound wire types (docs/platforms/slack.md §2–4, §6). Only the fields the adapter uses;
//! everything else is ignored so new Slack fields never break decoding.

use serde::Deserialize;
use std::collections::HashMap;

/// An Events API body (HTTP) or an `events_api` envelope's payload (Socket Mode).
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Envelope {
    UrlVerification {
        challenge: String,
    },
    EventCallback(Box<EventCallback>),
    /// `app_rate_limited` and anything newer: acknowledged, nothing else.
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
pub struct EventCallback {
    /// Globally unique; a retried delivery carries the same one (the dedupe key).
    pub event_id: String,
    #[serde(default)]
    pub api_app_id: Option<String>,
    pub event: Event,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Message(MessageEvent),
    AppMention(MessageEvent),
    #[serde(other)]
    Other,
}

/// A `message` or `app_mention` inner event.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageEvent {
    pub channel: Option<String>,
    /// `channel`, `group`, `im`, `mpim`, `app_home`; absent on `app_mention`.
    pub channel_type: Option<String>,
    pub user: Option<String>,
    pub text: Option<String>,
    pub ts: Option<String>,
    /// On thread replies: the parent's `ts`.
    pub thread_ts: Option<String>,
    pub subtype: Option<String>,
    /// Present when a bot or app posted, the bot itself included.
    pub bot_id: Option<String>,
}

/// Slash-command fields: a form over HTTP, a JSON object over Socket Mode.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SlashCommand {
    pub command: String,
    pub text: String,
    pub user_id: String,
    pub channel_id: String,
    pub response_url: String,
    pub trigger_id: String,
    /// Slack's occasional certificate probe: answer 200 empty.
    pub ssl_check: Option<String>,
}

/// The interactivity form: one `payload` field holding JSON.
#[derive(Debug, Deserialize)]
pub struct InteractiveForm {
    pub payload: String,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interaction {
    BlockActions(BlockActions),
    ViewSubmission(ViewSubmission),
    /// `view_closed`, shortcuts, options loads: acknowledged, nothing else.
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
pub struct IdRef {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub struct BlockActions {
    pub user: IdRef,
    #[serde(default)]
    pub trigger_id: Option<String>,
    #[serde(default)]
    pub response_url: Option<String>,
    #[serde(default)]
    pub container: Option<Container>,
    #[serde(default)]
    pub channel: Option<IdRef>,
    #[serde(default)]
    pub message: Option<SourceMessage>,
    #[serde(default)]
    pub actions: Vec<Action>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub message_ts: Option<String>,
    pub channel_id: Option<String>,
    /// Ephemeral messages cannot be changed with chat.update, only via the response_url.
    pub is_ephemeral: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SourceMessage {
    pub ts: Option<String>,
    pub thread_ts: Option<String>,
    /// The notification fallback text.
    pub text: Option<String>,
    /// The message's blocks as Slack echoes them, kept as JSON to be re-posted on update.
    pub blocks: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Action {
    pub action_id: String,
    pub block_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    /// A button's value: the core command it stands for.
    pub value: Option<String>,
    /// A button's label.
    pub text: Option<PlainText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlainText {
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct ViewSubmission {
    pub user: IdRef,
    #[serde(default)]
    pub trigger_id: Option<String>,
    pub view: View,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct View {
    pub id: Option<String>,
    pub callback_id: String,
    pub private_metadata: String,
    pub state: ViewState,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// `{ block_id: { action_id: value } }`
    pub values: HashMap<String, HashMap<String, StateValue>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateValue {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `plain_text_input`
    pub value: Option<String>,
    /// `static_select`, `radio_buttons`
    pub selected_option: Option<SelectedOption>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SelectedOption {
    pub value: Option<String>,
}

impl ViewState {
    /// The entered or selected value of the first element in `block_id`.
    pub fn text(&self, block_id: &str) -> Option<&str> {
        let v = self.values.get(block_id)?.values().next()?;
        v.value
            .as_deref()
            .or_else(|| v.selected_option.as_ref()?.value.as_deref())
    }
}

/// A Socket Mode frame from Slack: `hello`, `disconnect` or an envelope.
#[derive(Debug, Deserialize)]
pub struct SocketFrame {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub envelope_id: Option<String>,
    #[serde(default)]
    pub accepts_response_payload: bool,
    #[serde(default)]
    pub payload: Option<serde_json::Value>,
    /// On `disconnect`: `warning`, `refresh_requested`, `link_disabled`.
    #[serde(default)]
    pub reason: Option<String>,
}

#[cfg(test)]
#[path = "dto_tests.rs"]
mod tests;
