//! WeCom: the self-built app for members, 微信客服 for public WeChat users.

use super::{section, Wired};
use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use yunqi_adapters::wecom::{self, WecomConfig};
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;

pub fn wire(app: &App, w: &mut Wired) -> Result<()> {
    let cfg: WecomConfig = section(app, "wecom").context("[wecom]")?;
    if !cfg.is_complete() {
        return Ok(());
    }
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let kv: Arc<dyn Kv> = app.store.clone();
    let built = wecom::build(&cfg, sink, kv).context("[wecom]")?;
    w.router = std::mem::take(&mut w.router).merge(wecom::routes(built.state));
    w.outbounds.push(Arc::new(built.app));
    if let Some(kf) = built.kf {
        w.outbounds.push(Arc::new(kf));
        w.on.push("wechat (kf)");
    }
    w.on.push("wecom");
    Ok(())
}
