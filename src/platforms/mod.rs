//! Turns on every adapter whose config section is complete: its webhook routes, its
//! sending side for the outbox dispatcher, and any background task it needs.

mod discord;
mod slack;
mod telegram;
mod wecom;

use crate::app::App;
use anyhow::Result;
use axum::Router;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use yunqi_bot::ports::Outbound;

#[derive(Default)]
pub struct Wired {
    pub router: Router,
    pub outbounds: Vec<Arc<dyn Outbound>>,
    pub tasks: Vec<JoinHandle<()>>,
    /// Names of the platforms turned on, for the start-up log.
    pub on: Vec<&'static str>,
}

/// A section of the merged configuration, deserialized into an adapter's config type.
pub(crate) fn section<T: serde::de::DeserializeOwned + Default>(
    app: &App,
    name: &str,
) -> Result<T> {
    match app.table.get(name) {
        Some(v) => Ok(v.clone().try_into()?),
        None => Ok(T::default()),
    }
}

pub async fn wire(app: &App, shutdown: watch::Receiver<bool>) -> Result<Wired> {
    let mut w = Wired::default();
    wecom::wire(app, &mut w)?;
    slack::wire(app, &mut w, shutdown.clone()).await?;
    telegram::wire(app, &mut w, shutdown.clone())?;
    discord::wire(app, &mut w, shutdown.clone()).await?;
    Ok(w)
}
