//! The decrypted callback plaintexts (docs/platforms/wecom.md §3.5, wechat-kf.md §1–§4) as
//! typed values. Unknown message and event types are kept, not rejected: WeCom adds types.

use super::xml::{parse, Element, XmlError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// CorpID.
    pub to_user_name: String,
    /// Member UserID; `sys` or absent for system events.
    pub from_user_name: Option<String>,
    pub create_time: i64,
    pub agent_id: Option<String>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Text {
        content: String,
        msg_id: String,
    },
    /// image, voice, video, location, link, …: the bot treats them as unsupported.
    OtherMessage {
        msg_type: String,
        msg_id: Option<String>,
    },
    Event(Event),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A click on an interactive card button (`template_card_event`), or on its menu
    /// (`template_card_menu_event`, then `menu` is true).
    TemplateCard {
        menu: bool,
        event_key: String,
        task_id: String,
        card_type: Option<String>,
        response_code: Option<String>,
    },
    /// A menu button of type `scancode_waitmsg`: the scanned text (a ticket), which WeCom
    /// hands to the app instead of opening it (wecom.md §13).
    ScanCode {
        event_key: String,
        scan_type: String,
        scan_result: String,
    },
    EnterAgent,
    Subscribe,
    Unsubscribe,
    /// 微信客服 has news: pull it with `kf/sync_msg` using `token` (valid 10 minutes).
    KfMsgOrEvent {
        token: String,
        open_kfid: String,
    },
    KfAccountAuthChange {
        added: Vec<String>,
        removed: Vec<String>,
    },
    ChangeExternalChat {
        chat_id: String,
        change_type: String,
        update_detail: Option<String>,
        join_scene: Option<i64>,
        members: Vec<String>,
    },
    ChangeExternalContact {
        change_type: String,
        user_id: Option<String>,
        external_user_id: Option<String>,
        state: Option<String>,
        welcome_code: Option<String>,
    },
    Other {
        event: String,
        event_key: Option<String>,
    },
}

/// Parses one decrypted plaintext.
pub fn parse_callback(doc: &str) -> Result<Callback, XmlError> {
    let root = parse(doc)?;
    let msg_type = root.require("MsgType")?;
    let body = match msg_type.as_str() {
        "text" => Body::Text {
            content: root
                .child("Content")
                .map(|c| c.text.clone())
                .unwrap_or_default(),
            msg_id: root.require("MsgId")?,
        },
        "event" => Body::Event(event(&root)?),
        _ => Body::OtherMessage {
            msg_type,
            msg_id: root.get("MsgId"),
        },
    };
    Ok(Callback {
        to_user_name: root.get("ToUserName").unwrap_or_default(),
        from_user_name: root.get("FromUserName"),
        create_time: root.get_i64("CreateTime")?.unwrap_or(0),
        agent_id: root.get("AgentID"),
        body,
    })
}

fn event(root: &Element) -> Result<Event, XmlError> {
    let name = root.require("Event")?;
    Ok(match name.as_str() {
        "template_card_event" | "template_card_menu_event" => Event::TemplateCard {
            menu: name == "template_card_menu_event",
            event_key: root.require("EventKey")?,
            task_id: root.get("TaskId").unwrap_or_default(),
            card_type: root.get("CardType"),
            response_code: root.get("ResponseCode"),
        },
        "scancode_waitmsg" => {
            let info = root.child("ScanCodeInfo");
            let field = |n: &str| info.and_then(|i| i.get(n)).unwrap_or_default();
            Event::ScanCode {
                event_key: root.get("EventKey").unwrap_or_default(),
                scan_type: field("ScanType"),
                scan_result: field("ScanResult"),
            }
        }
        "enter_agent" => Event::EnterAgent,
        "subscribe" => Event::Subscribe,
        "unsubscribe" => Event::Unsubscribe,
        "kf_msg_or_event" => Event::KfMsgOrEvent {
            token: root.require("Token")?,
            open_kfid: root.require("OpenKfId")?,
        },
        "kf_account_auth_change" => Event::KfAccountAuthChange {
            added: all(root, "AuthAddOpenKfId"),
            removed: all(root, "AuthDelOpenKfId"),
        },
        "change_external_chat" => Event::ChangeExternalChat {
            chat_id: root.require("ChatId")?,
            change_type: root.require("ChangeType")?,
            update_detail: root.get("UpdateDetail"),
            join_scene: root.get_i64("JoinScene")?,
            members: root.list("MemChangeList", "Item"),
        },
        "change_external_contact" => Event::ChangeExternalContact {
            change_type: root.require("ChangeType")?,
            user_id: root.get("UserID"),
            external_user_id: root.get("ExternalUserID"),
            state: root.get("State"),
            welcome_code: root.get("WelcomeCode"),
        },
        _ => Event::Other {
            event: name,
            event_key: root.get("EventKey"),
        },
    })
}

/// Every direct child with this name (elements that may repeat).
fn all(root: &Element, name: &str) -> Vec<String> {
    root.children
        .iter()
        .filter(|c| c.name == name)
        .map(|c| c.text.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
