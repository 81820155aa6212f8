//! Slack Web API client (docs/platforms/slack.md §5): one pooled HTTP client, bearer tokens, errors
//! sorted into transient (retry) and permanent (record and stop). Per-channel pacing is
//! the outbox lane's (`channel_gap`), which skips a busy channel instead of sleeping.

use super::api_error::network;
pub use super::api_error::{classify, ApiError};
use super::config::SlackConfig;
use super::render::Message;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

const JSON: &str = "application/json; charset=utf-8";
/// Slack's posting limit: about one message per second per channel (§5.4).
pub const CHANNEL_GAP: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct Status {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthTest {
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub bot_id: Option<String>,
    #[serde(default)]
    pub team_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Posted {
    pub channel: String,
    pub ts: String,
}

#[derive(Deserialize)]
struct Opened {
    channel: IdOnly,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
struct ConnectionUrl {
    url: String,
}

#[derive(Deserialize)]
struct Ephemeral {
    #[serde(default)]
    message_ts: String,
}

pub struct SlackApi {
    http: Client,
    base: String,
    bot_auth: Option<HeaderValue>,
    app_auth: Option<HeaderValue>,
    /// user id → DM channel id; conversations.open is idempotent, so a cache is safe.
    dms: Mutex<HashMap<String, String>>,
    /// Per channel; Slack allows about one message a second.
    gap: Duration,
}

fn bearer(token: Option<&str>) -> Result<Option<HeaderValue>, ApiError> {
    let Some(t) = token else { return Ok(None) };
    let mut v = HeaderValue::from_str(&format!("Bearer {t}"))
        .map_err(|_| ApiError::Permanent("token is not a valid header value".into()))?;
    v.set_sensitive(true);
    Ok(Some(v))
}

impl SlackApi {
    pub fn new(cfg: &SlackConfig) -> Result<SlackApi, ApiError> {
        let http = Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(network)?;
        Ok(SlackApi {
            http,
            base: cfg.api_base().to_string(),
            bot_auth: bearer(cfg.bot_token())?,
            app_auth: bearer(cfg.app_token())?,
            dms: Mutex::new(HashMap::new()),
            gap: CHANNEL_GAP,
        })
    }

    /// Per-channel gap between messages (tests use zero).
    pub fn with_channel_gap(mut self, gap: Duration) -> SlackApi {
        self.gap = gap;
        self
    }

    /// The least time between two posts to one channel, for the outbox lane.
    pub fn channel_gap(&self) -> Duration {
        self.gap
    }

    /// Sends and reads the body: HTTP 429 and 5xx are transient, `ok:false` is classified.
    async fn send<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T, ApiError> {
        let resp = req.send().await.map_err(network)?;
        let status = resp.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let after = resp
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(ApiError::Transient {
                error: "ratelimited".into(),
                after,
            });
        }
        if status.is_server_error() {
            return Err(ApiError::Transient {
                error: format!("HTTP {status}"),
                after: None,
            });
        }
        let bytes = resp.bytes().await.map_err(network)?;
        let st: Status = serde_json::from_slice(&bytes).map_err(|_| ApiError::Transient {
            error: format!("HTTP {status}: not a Slack answer"),
            after: None,
        })?;
        if !st.ok {
            return Err(classify(
                st.error.as_deref().unwrap_or("unknown_error"),
                None,
            ));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::Permanent(format!("unexpected answer: {e}")))
    }

    /// A bot-token JSON call to `method`.
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let auth = self
            .bot_auth
            .clone()
            .ok_or_else(|| ApiError::Permanent("no bot_token".into()))?;
        let body = serde_json::to_vec(body).map_err(|e| ApiError::Permanent(e.to_string()))?;
        let req = self
            .http
            .post(format!("{}/{method}", self.base))
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, JSON)
            .body(body);
        self.send(req).await
    }

    /// `call` for other modules of the adapter (files).
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.call(method, body).await
    }

    /// A bot-token form call (methods that take no JSON: files.getUploadURLExternal).
    pub(crate) async fn form_call<T: DeserializeOwned>(
        &self,
        method: &str,
        form: &[(&str, &str)],
    ) -> Result<T, ApiError> {
        let auth = self
            .bot_auth
            .clone()
            .ok_or_else(|| ApiError::Permanent("no bot_token".into()))?;
        let req = self
            .http
            .post(format!("{}/{method}", self.base))
            .header(AUTHORIZATION, auth)
            .form(form);
        self.send(req).await
    }

    /// Raw bytes to a pre-signed upload URL Slack returned (no token: the URL is the key).
    pub(crate) async fn post_bytes(
        &self,
        url: &str,
        bytes: Vec<u8>,
        mime: &str,
    ) -> Result<(), ApiError> {
        let resp = self
            .http
            .post(url)
            .header(CONTENT_TYPE, mime)
            .body(bytes)
            .send()
            .await
            .map_err(network)?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(ApiError::Transient {
                error: format!("file upload: HTTP {status}"),
                after: None,
            });
        }
        Err(ApiError::Permanent(format!("file upload: HTTP {status}")))
    }

    /// Who the bot is, to drop its own messages.
    pub async fn auth_test(&self) -> Result<AuthTest, ApiError> {
        self.call("auth.test", &json!({})).await
    }

    /// chat.postMessage (the outbox lane paces it per channel).
    pub async fn post_message(&self, m: &Message<'_>) -> Result<Posted, ApiError> {
        self.call("chat.postMessage", m).await
    }

    /// chat.update: `m.channel` and `m.ts` name the message.
    pub async fn update(&self, m: &Message<'_>) -> Result<(), ApiError> {
        self.call::<Value>("chat.update", m).await.map(drop)
    }

    /// chat.update with a body built elsewhere (blocks as Slack echoed them).
    pub async fn update_json(&self, body: &Value) -> Result<(), ApiError> {
        self.call::<Value>("chat.update", body).await.map(drop)
    }

    /// chat.postEphemeral: `m.channel` and `m.user`; returns the message_ts.
    pub async fn post_ephemeral(&self, m: &Message<'_>) -> Result<String, ApiError> {
        self.call::<Ephemeral>("chat.postEphemeral", m)
            .await
            .map(|e| e.message_ts)
    }

    /// The DM channel with `user`, opened once and then remembered.
    pub async fn open_dm(&self, user: &str) -> Result<String, ApiError> {
        if let Some(c) = self.dms.lock().unwrap_or_else(|e| e.into_inner()).get(user) {
            return Ok(c.clone());
        }
        let o: Opened = self
            .call("conversations.open", &json!({ "users": user }))
            .await?;
        self.dms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(user.to_string(), o.channel.id.clone());
        Ok(o.channel.id)
    }

    /// views.open with a trigger (valid 3 s, once).
    pub async fn views_open(&self, trigger_id: &str, view: &Value) -> Result<(), ApiError> {
        let body = json!({ "trigger_id": trigger_id, "view": view });
        self.call::<Value>("views.open", &body).await.map(drop)
    }

    /// Adds users to a channel (an approved member into the event channel); someone
    /// already there is no error.
    pub async fn invite(&self, channel: &str, users: &[&str]) -> Result<(), ApiError> {
        let body = json!({ "channel": channel, "users": users.join(",") });
        match self.call::<Value>("conversations.invite", &body).await {
            Err(ApiError::Permanent(e)) if e == "already_in_channel" => Ok(()),
            r => r.map(drop),
        }
    }

    /// A fresh single-use Socket Mode URL, with the app-level token (form, no params).
    pub async fn connections_open(&self) -> Result<String, ApiError> {
        let auth = self
            .app_auth
            .clone()
            .ok_or_else(|| ApiError::Permanent("no app_token".into()))?;
        let req = self
            .http
            .post(format!("{}/apps.connections.open", self.base))
            .header(AUTHORIZATION, auth)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("");
        self.send::<ConnectionUrl>(req).await.map(|c| c.url)
    }

    /// A delayed answer to a slash command or interaction; no token, any 2xx is success.
    pub async fn respond(&self, response_url: &str, body: &[u8]) -> Result<(), ApiError> {
        let req = self
            .http
            .post(response_url)
            .header(CONTENT_TYPE, JSON)
            .body(body.to_vec());
        let resp = req.send().await.map_err(network)?;
        let status = resp.status();
        if status.is_success() {
            Ok(())
        } else if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(ApiError::Transient {
                error: format!("response_url: HTTP {status}"),
                after: None,
            })
        } else {
            Err(ApiError::Permanent(format!("response_url: HTTP {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_up_front() {
        let cfg = SlackConfig {
            bot_token: Some("xoxb-\nbad".into()),
            ..SlackConfig::default()
        };
        assert!(matches!(SlackApi::new(&cfg), Err(ApiError::Permanent(_))));
    }
}
