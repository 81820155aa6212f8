//! One shape for every adapter: `build(&cfg, Deps) -> Result<Wired, SetupError>`.

use axum::Router;
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use yunqi_bot::ports::{Clock, EventSink, Kv, Outbound};
use yunqi_bot::UserRef;

/// What an adapter gets from the composition root.
#[derive(Clone)]
pub struct Deps {
    /// The core: every event goes here.
    pub sink: Arc<dyn EventSink>,
    /// Cursors, reply windows, stored button commands.
    pub kv: Arc<dyn Kv>,
    pub clock: Arc<dyn Clock>,
    /// Turns true when the process stops; background tasks end then.
    pub shutdown: watch::Receiver<bool>,
    /// `[roles] organizers`: told when a message cannot reach a user.
    pub organizers: Vec<UserRef>,
    /// True while this replica holds the leader lease: long polling, the gateway and the
    /// kf safety poll run only then (`yunqi_bot::runtime::lease::while_held`).
    pub leader: watch::Receiver<bool>,
}

/// A leader flag that is always true, for a process that is the only one.
pub fn always_leader() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(true);
    // kept for the process's life: a closed flag would mean "leadership ended"
    std::mem::forget(tx);
    rx
}

/// What an adapter gives back: its webhook routes, its outbox lanes and the background
/// tasks that end on `Deps::shutdown`.
#[derive(Default)]
pub struct Wired {
    pub router: Router,
    pub outbounds: Vec<Arc<dyn Outbound>>,
    pub tasks: Vec<JoinHandle<()>>,
    /// Names of the platforms turned on, for the start-up log.
    pub on: Vec<&'static str>,
}

impl Wired {
    /// Adds another adapter's routes, lanes and tasks.
    pub fn merge(&mut self, other: Wired) {
        self.router = std::mem::take(&mut self.router).merge(other.router);
        self.outbounds.extend(other.outbounds);
        self.tasks.extend(other.tasks);
        self.on.extend(other.on);
    }
}

/// A config section an adapter cannot start with.
#[derive(Debug, Error)]
pub enum SetupError {
    /// A required key, as `wecom.token`.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A key whose value cannot be used.
    #[error("{key}: {error}")]
    Invalid { key: &'static str, error: String },
    /// The platform's client could not be made.
    #[error("{platform} client: {error}")]
    Client {
        platform: &'static str,
        error: String,
    },
}
