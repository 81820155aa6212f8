//! Socket Mode (docs/platforms/slack.md §6): apps.connections.open → WebSocket → `hello`, each
//! envelope handled like its HTTP twin and acked by envelope_id, a new connection on
//! `disconnect` or when the socket drops.

use super::api::ApiError;
use super::dto::{Envelope, Interaction, SlashCommand, SocketFrame};
use super::handle::{self, Answer};
use super::state::SlackState;
use futures::{SinkExt, StreamExt};
use rand::Rng;
use serde_json::Value;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;

#[derive(Debug, Error)]
pub enum SocketError {
    /// Credentials or configuration: reconnecting will not help.
    #[error("apps.connections.open: {0}")]
    Api(ApiError),
    /// Socket Mode was turned off in the app's settings.
    #[error("socket mode was disabled for the app (link_disabled)")]
    LinkDisabled,
}

#[derive(Debug, Clone)]
pub struct SocketOptions {
    /// A ping goes out this often; no frame for three of these ends the connection.
    pub ping_every: Duration,
    /// First wait after a dropped connection; doubles up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            ping_every: Duration::from_secs(10),
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// How one connection ended.
enum End {
    Shutdown,
    Refresh,
    LinkDisabled,
    /// Dropped, after a `hello` or not.
    Lost {
        greeted: bool,
        why: String,
    },
}

/// Runs until `shutdown` turns true (Ok) or Slack refuses for good (Err).
pub async fn run_socket_mode(
    state: SlackState,
    opts: SocketOptions,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), SocketError> {
    let mut backoff = opts.backoff;
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let wait = match state.api().connections_open().await {
            Err(ApiError::Transient { error, after }) => {
                tracing::warn!(%error, "apps.connections.open failed; retrying");
                after.unwrap_or(backoff)
            }
            Err(e) => return Err(SocketError::Api(e)),
            Ok(url) => match session(&state, &url, &opts, &mut shutdown).await {
                End::Shutdown => return Ok(()),
                End::LinkDisabled => return Err(SocketError::LinkDisabled),
                End::Refresh => {
                    tracing::info!("slack asked for a new socket");
                    backoff = opts.backoff;
                    continue;
                }
                End::Lost { greeted, why } => {
                    tracing::warn!(%why, "slack socket lost; reconnecting");
                    if greeted {
                        backoff = opts.backoff;
                    }
                    backoff
                }
            },
        };
        let jitter = rand::thread_rng().gen_range(0..=wait.as_millis() as u64 / 2);
        backoff = (backoff * 2).min(opts.max_backoff);
        tokio::select! {
            _ = tokio::time::sleep(wait + Duration::from_millis(jitter)) => {}
            _ = shutdown.changed() => {}
        }
    }
}

async fn session(
    state: &SlackState,
    url: &str,
    opts: &SocketOptions,
    shutdown: &mut watch::Receiver<bool>,
) -> End {
    let mut ws = match tokio_tungstenite::connect_async(url).await {
        Ok((ws, _)) => ws,
        Err(e) => {
            return End::Lost {
                greeted: false,
                why: e.to_string(),
            }
        }
    };
    let (acks, mut ack_rx) = mpsc::channel::<String>(64);
    let mut ping = tokio::time::interval(opts.ping_every);
    let mut last_seen = Instant::now();
    let mut greeted = false;
    let lost = |greeted, why: String| End::Lost { greeted, why };
    loop {
        tokio::select! {
            _ = shutdown.changed() => {
                let _ = ws.close(None).await;
                return End::Shutdown;
            }
            Some(ack) = ack_rx.recv() => {
                if let Err(e) = ws.send(Frame::Text(ack.into())).await {
                    return lost(greeted, e.to_string());
                }
            }
            _ = ping.tick() => {
                if last_seen.elapsed() > opts.ping_every * 3 {
                    return lost(greeted, "no frames from slack".into());
                }
                if let Err(e) = ws.send(Frame::Ping(Vec::new().into())).await {
                    return lost(greeted, e.to_string());
                }
            }
            frame = ws.next() => {
                last_seen = Instant::now();
                let text = match frame {
                    None => return lost(greeted, "socket closed".into()),
                    Some(Err(e)) => return lost(greeted, e.to_string()),
                    Some(Ok(Frame::Close(_))) => return lost(greeted, "close frame".into()),
                    Some(Ok(Frame::Text(t))) => t,
                    // Pings are answered by tungstenite itself.
                    Some(Ok(_)) => continue,
                };
                let frame: SocketFrame = match serde_json::from_str(text.as_str()) {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::warn!(error = %e, "undecodable socket frame ignored");
                        continue;
                    }
                };
                match (frame.kind.as_str(), frame.reason.as_deref()) {
                    ("hello", _) => greeted = true,
                    ("disconnect", Some("link_disabled")) => return End::LinkDisabled,
                    // A refresh follows a warning within seconds; act on the refresh.
                    ("disconnect", Some("warning")) => {}
                    ("disconnect", _) => return End::Refresh,
                    _ => {
                        let state = state.clone();
                        let acks = acks.clone();
                        tokio::spawn(async move {
                            if let Some(ack) = envelope(&state, frame).await {
                                let _ = acks.send(ack).await;
                            }
                        });
                    }
                }
            }
        }
    }
}

/// Handles one envelope; the ack frame to send, or `None` to leave it un-acked so Slack
/// delivers it again.
async fn envelope(state: &SlackState, frame: SocketFrame) -> Option<String> {
    let id = frame.envelope_id?;
    let payload = frame.payload.unwrap_or(Value::Null);
    let answer = match frame.kind.as_str() {
        "events_api" => match serde_json::from_value::<Envelope>(payload) {
            Ok(env) => handle::events(state, env).await,
            Err(_) => Answer::BadRequest,
        },
        "slash_commands" => match serde_json::from_value::<SlashCommand>(payload) {
            Ok(cmd) => handle::command(state, cmd).await,
            Err(_) => Answer::BadRequest,
        },
        "interactive" => match serde_json::from_value::<Interaction>(payload) {
            Ok(i) => handle::interaction(state, i).await,
            Err(_) => Answer::BadRequest,
        },
        _ => Answer::Empty,
    };
    let id = serde_json::to_string(&id).ok()?;
    match answer {
        Answer::Retry => None,
        Answer::Json(body) if frame.accepts_response_payload => {
            let body = String::from_utf8(body).ok()?;
            Some(format!(r#"{{"envelope_id":{id},"payload":{body}}}"#))
        }
        Answer::BadRequest => {
            tracing::warn!(kind = %frame.kind, "undecodable envelope acked and dropped");
            Some(format!(r#"{{"envelope_id":{id}}}"#))
        }
        _ => Some(format!(r#"{{"envelope_id":{id}}}"#)),
    }
}
