//! The WeCom HTTPS client of one self-built app: token handling, the request loop, app
//! messages, card updates and the group robot. kf and customer-group calls are in
//! `api_kf.rs` and `api_group.rs`.

use super::config::WecomConfig;
use super::error::ApiError;
use super::token::TokenCache;
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt;
use std::time::Duration;

/// Most recipients one `message/send` accepts (`touser` joined by `|`).
pub const MAX_TOUSER: usize = 1000;
/// Bounded so a stuck WeCom never holds a dispatcher slot for long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct WecomApi {
    http: reqwest::Client,
    base: String,
    corp_id: String,
    secret: String,
    agent_id: Option<i64>,
    robot_url: Option<String>,
    tokens: TokenCache,
}

impl fmt::Debug for WecomApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WecomApi")
            .field("base", &self.base)
            .field("corp_id", &self.corp_id)
            .finish_non_exhaustive()
    }
}

/// What `message/send` reports beside success: recipients it could not reach.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SendOutcome {
    #[serde(default)]
    pub msgid: Option<String>,
    #[serde(default, rename = "invaliduser", deserialize_with = "bar_list")]
    pub invalid_users: Vec<String>,
    #[serde(default, rename = "invalidparty", deserialize_with = "bar_list")]
    pub invalid_parties: Vec<String>,
    #[serde(default, rename = "invalidtag", deserialize_with = "bar_list")]
    pub invalid_tags: Vec<String>,
    #[serde(default, rename = "unlicenseduser", deserialize_with = "bar_list")]
    pub unlicensed_users: Vec<String>,
    /// Interactive cards only: usable once with `update_template_card`.
    #[serde(default)]
    pub response_code: Option<String>,
}

impl SendOutcome {
    /// Whether `user` was refused (WeCom lower-cases the ids it returns).
    pub fn refused(&self, user: &str) -> bool {
        let u = user.to_lowercase();
        self.invalid_users
            .iter()
            .chain(&self.unlicensed_users)
            .any(|x| x.to_lowercase() == u)
    }
}

/// A batch send over chunks of at most 1000 recipients. On an error the remaining
/// recipients are in `unsent` so the caller can queue them again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub msgids: Vec<String>,
    pub invalid_users: Vec<String>,
    pub unsent: Vec<String>,
    pub error: Option<ApiError>,
}

fn bar_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let s = Option::<String>::deserialize(d)?.unwrap_or_default();
    Ok(s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect())
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse().ok().map(Duration::from_secs)
}

impl WecomApi {
    pub fn new(cfg: &WecomConfig) -> Result<WecomApi, ApiError> {
        WecomApi::with_timeout(cfg, DEFAULT_TIMEOUT)
    }

    pub fn with_timeout(cfg: &WecomConfig, timeout: Duration) -> Result<WecomApi, ApiError> {
        let nonempty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| ApiError::Transport(e.without_url().to_string()))?;
        Ok(WecomApi {
            http,
            base: cfg.api_base.trim_end_matches('/').to_string(),
            corp_id: nonempty(&cfg.corp_id).ok_or(ApiError::Config("wecom.corp_id"))?,
            secret: nonempty(&cfg.secret).ok_or(ApiError::Config("wecom.secret"))?,
            agent_id: cfg.agent_id_number(),
            robot_url: cfg.robot_url(),
            tokens: TokenCache::new(),
        })
    }

    pub fn agent_id(&self) -> Option<i64> {
        self.agent_id
    }

    pub fn corp_id(&self) -> &str {
        &self.corp_id
    }

    pub fn has_robot(&self) -> bool {
        self.robot_url.is_some()
    }

    /// The cached access token, fetched (once, whoever asks) when missing or near expiry.
    pub async fn access_token(&self) -> Result<String, ApiError> {
        self.tokens.get(|| self.fetch_token()).await
    }

    async fn fetch_token(&self) -> Result<(String, u64), ApiError> {
        let url = format!("{}/cgi-bin/gettoken", self.base);
        let req = self
            .http
            .get(url)
            .query(&[("corpid", &self.corp_id), ("corpsecret", &self.secret)]);
        let v = self.send(req).await?;
        let token = v["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Decode("gettoken without access_token".into()))?;
        Ok((token.to_string(), v["expires_in"].as_u64().unwrap_or(7200)))
    }

    /// Sends and reads `{errcode, errmsg, …}`; a non-zero errcode is an error.
    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Value, ApiError> {
        let resp = req.send().await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ApiError::Status {
                status: status.as_u16(),
                retry_after: retry_after(resp.headers()),
            });
        }
        let v: Value = resp.json().await?;
        match v.get("errcode").and_then(Value::as_i64).unwrap_or(0) {
            0 => Ok(v),
            errcode => Err(ApiError::WeCom {
                errcode,
                errmsg: v["errmsg"].as_str().unwrap_or_default().to_string(),
            }),
        }
    }

    /// POSTs JSON to `/cgi-bin/<path>` with the access token; on a token error the token
    /// is dropped (if still the one used), fetched anew and the request retried once.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        self.authed(path, |req| req.json(body)).await
    }

    /// The token loop of `post` around any request body `fill` puts on the POST.
    pub(super) async fn authed(
        &self,
        path: &str,
        fill: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Value, ApiError> {
        let url = format!("{}/cgi-bin/{path}", self.base);
        let mut retried = false;
        loop {
            let token = self.access_token().await?;
            let req = fill(self.http.post(&url).query(&[("access_token", &token)]));
            match self.send(req).await {
                Err(e) if e.is_token_error() && !retried => {
                    tracing::info!(path, error = %e, "wecom token rejected; refreshing once");
                    self.tokens.invalidate(&token).await;
                    retried = true;
                }
                other => return other,
            }
        }
    }

    /// GETs a public resource (a join-way QR image), at most `max` bytes.
    pub async fn download(&self, url: &str, max: usize) -> Result<Vec<u8>, ApiError> {
        let resp = self.http.get(url).send().await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(ApiError::Status {
                status: status.as_u16(),
                retry_after: retry_after(resp.headers()),
            });
        }
        let bytes = resp.bytes().await?;
        if bytes.len() > max {
            return Err(ApiError::Invalid(format!(
                "download of {} bytes is over the {max}-byte limit",
                bytes.len()
            )));
        }
        Ok(bytes.to_vec())
    }

    /// `message/send` with the body as given (touser, msgtype, agentid, …).
    pub async fn send_message(&self, body: &Value) -> Result<SendOutcome, ApiError> {
        let v = self.post("message/send", body).await?;
        serde_json::from_value(v).map_err(|e| ApiError::Decode(e.to_string()))
    }

    /// Sends one app message (`{"msgtype":…, <type>:{…}}`) to up to 1000 members.
    pub async fn send_app(
        &self,
        users: &[String],
        message: &Value,
    ) -> Result<SendOutcome, ApiError> {
        if users.is_empty() || users.len() > MAX_TOUSER {
            return Err(ApiError::Invalid(format!(
                "touser must hold 1..={MAX_TOUSER} ids, not {}",
                users.len()
            )));
        }
        let agent_id = self.agent_id.ok_or(ApiError::Config("wecom.agent_id"))?;
        let mut body = message.clone();
        let Some(obj) = body.as_object_mut() else {
            return Err(ApiError::Invalid("message must be a JSON object".into()));
        };
        obj.insert("touser".into(), json!(users.join("|")));
        obj.insert("agentid".into(), json!(agent_id));
        self.send_message(&body).await
    }

    /// Sends one message to any number of members, 1000 per call.
    pub async fn send_app_batch(&self, users: &[String], message: &Value) -> BatchOutcome {
        let mut out = BatchOutcome::default();
        for (i, chunk) in users.chunks(MAX_TOUSER).enumerate() {
            match self.send_app(chunk, message).await {
                Ok(r) => {
                    out.msgids.extend(r.msgid);
                    out.invalid_users.extend(r.invalid_users);
                }
                Err(e) => {
                    out.unsent = users[i * MAX_TOUSER..].to_vec();
                    out.error = Some(e);
                    break;
                }
            }
        }
        out
    }

    /// `message/update_template_card` with a full body (form A or B of §4.4).
    pub async fn update_template_card(&self, body: &Value) -> Result<(), ApiError> {
        self.post("message/update_template_card", body)
            .await
            .map(drop)
    }

    /// Greys out a clicked card's buttons for `userids` with `replace_name` (form A).
    pub async fn update_card_button(
        &self,
        userids: &[String],
        response_code: &str,
        replace_name: &str,
    ) -> Result<(), ApiError> {
        if userids.len() > MAX_TOUSER {
            return Err(ApiError::Invalid(format!(
                "userids must hold at most {MAX_TOUSER} ids"
            )));
        }
        let agent_id = self.agent_id.ok_or(ApiError::Config("wecom.agent_id"))?;
        let body = json!({
            "userids": userids,
            "atall": 0,
            "agentid": agent_id,
            "response_code": response_code,
            "button": {"replace_name": replace_name},
        });
        self.update_template_card(&body).await
    }

    /// Posts to the group robot webhook (no token: the URL's key is the credential).
    pub async fn robot_send(&self, message: &Value) -> Result<(), ApiError> {
        let url = self
            .robot_url
            .as_deref()
            .ok_or(ApiError::Config("wecom.robot_webhook"))?;
        self.send(self.http.post(url).json(message)).await.map(drop)
    }
}
