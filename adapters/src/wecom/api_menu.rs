//! The self-built app's menu (`menu/create`, wecom.md §13): a "扫码签到" button of type
//! `scancode_waitmsg` turns an organizer's phone into a ticket scanner; the scan comes back
//! as a callback (`inbound::from_callback`), handled as `/checkin <ticket>`.

use super::api::WecomApi;
use super::error::ApiError;
use serde_json::{json, Value};

/// The `EventKey` of the scan button (shown in the callback; the scan itself is the ticket).
pub const SCAN_KEY: &str = "checkin-scan";

/// The menu: scan to check in, and the member's everyday commands as `click` buttons (their
/// key is the command, so a click is the same as typing it).
pub fn menu_json() -> Value {
    json!({
        "button": [
            {"type": "scancode_waitmsg", "name": "扫码签到", "key": SCAN_KEY},
            {"type": "click", "name": "近期沙龙", "key": "/salons"},
            {"name": "我的", "sub_button": [
                {"type": "click", "name": "我的报名", "key": "/mine"},
                {"type": "click", "name": "我的资料", "key": "/profile"},
                {"type": "click", "name": "帮助", "key": "/help"}
            ]}
        ]
    })
}

impl WecomApi {
    /// `POST /cgi-bin/menu/create?access_token=…&agentid=…`; replaces the app's menu.
    pub async fn create_menu(&self, menu: &Value) -> Result<(), ApiError> {
        let agent = self.agent_id().ok_or(ApiError::Config("wecom.agent_id"))?;
        let agent = agent.to_string();
        self.authed("menu/create", |req| {
            req.query(&[("agentid", agent.as_str())]).json(menu)
        })
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_has_the_scan_button_and_only_commands_as_click_keys() {
        let m = menu_json();
        assert_eq!(m["button"][0]["type"], "scancode_waitmsg");
        assert_eq!(m["button"][0]["name"], "扫码签到");
        // WeCom: at most 3 buttons, 5 sub-buttons each.
        assert!(m["button"].as_array().unwrap().len() <= 3);
        let mut keys = vec![m["button"][1]["key"].as_str().unwrap()];
        for b in m["button"][2]["sub_button"].as_array().unwrap() {
            keys.push(b["key"].as_str().unwrap());
        }
        for k in keys {
            assert!(
                matches!(
                    yunqi_bot::command::parse(k),
                    yunqi_bot::command::Parsed::Command(_)
                ),
                "{k}"
            );
        }
    }
}
