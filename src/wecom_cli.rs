//! `yunqi wecom menu`: posts the app menu with the "扫码签到" scan button to the configured
//! WeCom API base (`menu/create`), or only prints its JSON (`--print`).

use anyhow::{Context, Result};
use yunqi_adapters::wecom::api::WecomApi;
use yunqi_adapters::wecom::api_menu::menu_json;
use yunqi_adapters::wecom::config::WecomConfig;

pub async fn menu(table: &toml::Table, print_only: bool) -> Result<()> {
    let menu = menu_json();
    if print_only {
        println!("{}", serde_json::to_string_pretty(&menu)?);
        return Ok(());
    }
    let cfg: WecomConfig = table
        .get("wecom")
        .cloned()
        .context("no [wecom] section in the configuration")?
        .try_into()
        .context("[wecom]")?;
    let api = WecomApi::new(&cfg).context("[wecom] needs corp_id, secret and agent_id")?;
    api.create_menu(&menu).await.context("menu/create failed")?;
    println!(
        "menu created for agent {}",
        api.agent_id().unwrap_or_default()
    );
    Ok(())
}
