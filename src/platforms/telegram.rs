//! Telegram: long polling (durable offset) or a webhook with a secret token.

use super::{section, Wired};
use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use tokio::sync::watch;
use yunqi_adapters::telegram::{self, run_polling, TelegramConfig};
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub fn wire(app: &App, w: &mut Wired, shutdown: watch::Receiver<bool>) -> Result<()> {
    let cfg: TelegramConfig = section(app, "telegram").context("[telegram]")?;
    if !cfg.is_complete() {
        return Ok(());
    }
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let kv: Arc<dyn Kv> = app.store.clone();
    let t = telegram::build(&cfg, sink, kv).context("[telegram]")?;
    w.outbounds.push(Arc::new(t.outbound));
    let state = t.state.clone();
    let setup = cfg.clone();
    // getMe and setMyCommands must not hold up start-up when Telegram is slow.
    drop(tokio::spawn(async move {
        telegram::start(&state, &setup).await;
    }));
    if t.webhook {
        w.router = std::mem::take(&mut w.router).merge(telegram::routes(t.state));
    } else {
        w.tasks
            .push(tokio::spawn(run_polling(t.state, t.poll, shutdown)));
    }
    w.on.push("telegram");
    Ok(())
}
