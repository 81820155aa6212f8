//! Decrypted callbacks and pulled kf messages → `yunqi_bot::Inbound`. Members of the
//! organisation are `Platform::Wecom` (UserID); public WeChat users reached through kf are
//! `Platform::Wechat` (external_userid).

use super::api_kf::{KfMessage, ORIGIN_CUSTOMER};
use super::callback::{Body, Callback, Event};
use yunqi_bot::command::Command;
use yunqi_bot::event::{EventKind, Inbound};
use yunqi_bot::ids::{Platform, UserRef};

fn inbound(
    user: UserRef,
    event_id: String,
    message_id: Option<String>,
    kind: EventKind,
) -> Inbound {
    Inbound {
        event_id: Some(event_id),
        user,
        conversation: None,
        message_id,
        locale_hint: None,
        kind,
        reply_inline: false,
    }
}

/// The core event of an app callback; `None` for what the core has no use for (opening
/// the app, subscriptions, kf signals, group changes, non-text messages).
pub fn from_callback(cb: &Callback) -> Option<Inbound> {
    let from = cb
        .from_user_name
        .as_deref()
        .filter(|f| !f.is_empty() && *f != "sys")?;
    let user = UserRef::new(Platform::Wecom, from);
    match &cb.body {
        Body::Text { content, msg_id } => Some(inbound(
            user,
            msg_id.clone(),
            Some(msg_id.clone()),
            EventKind::Text(content.clone()),
        )),
        Body::Event(Event::TemplateCard {
            event_key,
            task_id,
            menu,
            ..
        }) => {
            // Events have no MsgId. FromUserName+CreateTime alone would merge two clicks in
            // one second, so the key and task join it (docs/platforms/wecom.md §3.3).
            let name = if *menu {
                "template_card_menu_event"
            } else {
                "template_card_event"
            };
            let id = format!("{from}|{}|{name}|{event_key}|{task_id}", cb.create_time);
            Some(inbound(
                user,
                id,
                None,
                EventKind::Button(event_key.clone()),
            ))
        }
        Body::Event(Event::ScanCode {
            event_key,
            scan_result,
            ..
        }) => {
            // The scan is the organizer's `/checkin <ticket>`. The id holds a digest of the
            // scanned text, never the ticket code itself (event ids are stored and logged).
            let id = format!(
                "{from}|{}|scancode_waitmsg|{event_key}|{}",
                cb.create_time,
                digest(scan_result)
            );
            let command = Command::CheckIn(scan_result.trim().to_string()).to_text();
            Some(inbound(user, id, None, EventKind::Text(command)))
        }
        // A menu `click` button (`yunqi wecom menu`): its key is a command.
        Body::Event(Event::Other {
            event,
            event_key: Some(key),
        }) if event == "click" && key.starts_with('/') => {
            let id = format!("{from}|{}|click|{key}", cb.create_time);
            Some(inbound(user, id, None, EventKind::Button(key.clone())))
        }
        Body::OtherMessage { .. } | Body::Event(_) => None,
    }
}

/// The first 16 hex digits of the SHA-256 of `s`.
fn digest(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The core event of a pulled kf message from a WeChat user; `None` for system events,
/// receptionists' messages and non-text content.
pub fn from_kf(m: &KfMessage) -> Option<Inbound> {
    if m.origin != ORIGIN_CUSTOMER || m.msgtype != "text" {
        return None;
    }
    let who = m.external_userid.as_deref().filter(|u| !u.is_empty())?;
    let text = m.text.as_ref()?;
    let user = UserRef::new(Platform::Wechat, who);
    // a menu click: route on its id (our command), never on the displayed text
    let kind = match text.menu_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => EventKind::Button(id.to_string()),
        None => EventKind::Text(text.content.clone()),
    };
    Some(inbound(user, m.msgid.clone(), Some(m.msgid.clone()), kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wecom::api_kf::{KfEvent, KfText, ORIGIN_SERVICER, ORIGIN_SYSTEM};
    use crate::wecom::callback::parse_callback;

    #[test]
    fn a_member_text_is_a_wecom_text_event_keyed_by_msgid() {
        let cb = parse_callback("<xml><ToUserName>ww1</ToUserName><FromUserName>zhangsan</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>/salons</Content><MsgId>42</MsgId></xml>").unwrap();
        let ev = from_callback(&cb).unwrap();
        assert_eq!(ev.user, UserRef::new(Platform::Wecom, "zhangsan"));
        assert_eq!(ev.event_id.as_deref(), Some("42"));
        assert_eq!(ev.message_id.as_deref(), Some("42"));
        assert_eq!(ev.kind, EventKind::Text("/salons".into()));
        assert_eq!(ev.conversation, None);
    }

    #[test]
    fn a_card_click_is_a_button_event_keyed_by_user_time_key_and_task() {
        let doc = |key: &str| {
            format!("<xml><FromUserName>lisi</FromUserName><CreateTime>123</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event><EventKey>{key}</EventKey><TaskId>t1</TaskId></xml>")
        };
        let a = from_callback(&parse_callback(&doc("/approve 1 alice")).unwrap()).unwrap();
        let b = from_callback(&parse_callback(&doc("/reject 1 alice")).unwrap()).unwrap();
        assert_eq!(a.kind, EventKind::Button("/approve 1 alice".into()));
        assert_eq!(
            a.event_id.as_deref(),
            Some("lisi|123|template_card_event|/approve 1 alice|t1")
        );
        assert_ne!(
            a.event_id, b.event_id,
            "two clicks in one second stay two events"
        );
    }

    #[test]
    fn a_scan_is_the_organizers_checkin_and_its_id_hides_the_code() {
        let doc = "<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_waitmsg]]></Event><EventKey><![CDATA[checkin]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[K7Q2-M9XD]]></ScanResult></ScanCodeInfo><AgentID>1000002</AgentID></xml>";
        let ev = from_callback(&parse_callback(doc).unwrap()).unwrap();
        assert_eq!(ev.user, UserRef::new(Platform::Wecom, "lisi"));
        assert_eq!(ev.kind, EventKind::Text("/checkin K7Q2-M9XD".into()));
        let id = ev.event_id.unwrap();
        assert!(
            id.starts_with("lisi|1700000000|scancode_waitmsg|checkin|"),
            "{id}"
        );
        assert!(!id.contains("K7Q2"), "{id}");
        // Text with spaces stays one argument.
        let odd = doc.replace("K7Q2-M9XD", "a b c");
        let ev = from_callback(&parse_callback(&odd).unwrap()).unwrap();
        let EventKind::Text(t) = ev.kind else {
            panic!()
        };
        assert_eq!(
            yunqi_bot::command::parse(&t),
            yunqi_bot::command::Parsed::Command(Command::CheckIn("a b c".into()))
        );
    }

    #[test]
    fn system_events_and_non_text_messages_give_no_core_event() {
        for doc in [
            "<xml><FromUserName>zhangsan</FromUserName><MsgType>event</MsgType><Event>enter_agent</Event></xml>",
            "<xml><FromUserName>zhangsan</FromUserName><MsgType>image</MsgType><MsgId>1</MsgId></xml>",
            "<xml><MsgType>event</MsgType><Event>kf_msg_or_event</Event><Token>t</Token><OpenKfId>wk</OpenKfId></xml>",
            "<xml><FromUserName>sys</FromUserName><MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>c</ChatId><ChangeType>update</ChangeType></xml>",
        ] {
            assert_eq!(from_callback(&parse_callback(doc).unwrap()), None, "{doc}");
        }
    }

    fn kf_text(origin: i64, content: &str, menu_id: Option<&str>) -> KfMessage {
        KfMessage {
            msgid: "from_msgid_1".into(),
            open_kfid: Some("wk1".into()),
            external_userid: Some("wmUser".into()),
            origin,
            msgtype: "text".into(),
            text: Some(KfText {
                content: content.into(),
                menu_id: menu_id.map(String::from),
            }),
            ..KfMessage::default()
        }
    }

    #[test]
    fn a_kf_customer_text_is_a_wechat_event_keyed_by_the_kf_msgid() {
        let ev = from_kf(&kf_text(ORIGIN_CUSTOMER, "我想报名", None)).unwrap();
        assert_eq!(ev.user, UserRef::new(Platform::Wechat, "wmUser"));
        assert_eq!(ev.event_id.as_deref(), Some("from_msgid_1"));
        assert_eq!(ev.kind, EventKind::Text("我想报名".into()));
    }

    #[test]
    fn a_kf_menu_click_is_a_button_carrying_the_menu_id() {
        let ev = from_kf(&kf_text(
            ORIGIN_CUSTOMER,
            "报名 3月8日",
            Some("/register 1"),
        ))
        .unwrap();
        assert_eq!(ev.kind, EventKind::Button("/register 1".into()));
    }

    #[test]
    fn kf_events_receptionist_messages_and_media_are_not_core_events() {
        assert_eq!(from_kf(&kf_text(ORIGIN_SERVICER, "hi", None)), None);
        let event = KfMessage {
            msgid: "e1".into(),
            origin: ORIGIN_SYSTEM,
            msgtype: "event".into(),
            event: Some(KfEvent {
                event_type: "enter_session".into(),
                ..KfEvent::default()
            }),
            ..KfMessage::default()
        };
        assert_eq!(from_kf(&event), None);
        let image = KfMessage {
            msgtype: "image".into(),
            text: None,
            ..kf_text(ORIGIN_CUSTOMER, "", None)
        };
        assert_eq!(from_kf(&image), None);
    }
}
