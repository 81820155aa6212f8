//! WeCom: the self-built app for members, 微信客服 for public WeChat users.

use super::{section, Wired};
use crate::app::App;
use anyhow::{Context, Result};
use std::sync::Arc;
use yunqi_adapters::wecom::{self, kf, BuildOptions, WecomConfig};
use yunqi_bot::ports::Kv;
use yunqi_bot::runtime::EventSink;
use yunqi_bot::{Platform, UserRef};

pub fn wire(app: &App, w: &mut Wired) -> Result<()> {
    let cfg: WecomConfig = section(app, "wecom").context("[wecom]")?;
    if !cfg.is_complete() {
        return Ok(());
    }
    let sink: Arc<dyn EventSink> = Arc::new(app.core.clone());
    let kv: Arc<dyn Kv> = app.store.clone();
    let opts = BuildOptions {
        organizers: wecom_organizers(&app.settings.roles.organizers),
    };
    let built = wecom::build_with(&cfg, sink, kv, opts).context("[wecom]")?;
    w.router = std::mem::take(&mut w.router).merge(wecom::routes(built.state));
    w.outbounds.push(Arc::new(built.app));
    if let Some(kf) = built.kf {
        if let Some(puller) = &built.kf_puller {
            // detached: it ends by itself once the HTTP server holding the puller is gone
            drop(kf::spawn_safety_poll(
                puller,
                kf.open_kfid().to_string(),
                kf::SAFETY_POLL_FIRST,
                kf::SAFETY_POLL_EVERY,
            ));
        }
        w.outbounds.push(Arc::new(kf));
        w.on.push("wechat (kf)");
    }
    w.on.push("wecom");
    Ok(())
}

/// The UserIDs of `[roles] organizers` entries on WeCom (`wecom:zhangsan`): they are told
/// when a message cannot reach a WeChat user.
fn wecom_organizers(organizers: &[String]) -> Vec<String> {
    organizers
        .iter()
        .filter_map(|o| UserRef::parse_with_default(o, Platform::Console))
        .filter(|u| u.platform == Platform::Wecom)
        .map(|u| u.id)
        .collect()
}
