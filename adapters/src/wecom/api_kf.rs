//! 微信客服 (kf) calls: pull with `kf/sync_msg`, reply with `kf/send_msg`, welcome with
//! `kf/send_msg_on_event` (docs/platforms/wechat-kf.md §2).

use super::api::WecomApi;
use super::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Most messages one `sync_msg` page returns (also the default).
pub const SYNC_LIMIT: u32 = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The callback's pull ticket; without it a strict frequency limit applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_kfid: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SyncPage {
    #[serde(default)]
    pub next_cursor: String,
    #[serde(default)]
    pub has_more: i64,
    #[serde(default)]
    pub msg_list: Vec<KfMessage>,
}

/// One pulled message or event. For events `open_kfid`/`external_userid` sit in `event`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct KfMessage {
    pub msgid: String,
    #[serde(default)]
    pub open_kfid: Option<String>,
    #[serde(default)]
    pub external_userid: Option<String>,
    #[serde(default)]
    pub send_time: i64,
    /// 3 = the WeChat user, 4 = system event, 5 = a human receptionist.
    #[serde(default)]
    pub origin: i64,
    #[serde(default)]
    pub servicer_userid: Option<String>,
    #[serde(default)]
    pub msgtype: String,
    #[serde(default)]
    pub text: Option<KfText>,
    #[serde(default)]
    pub event: Option<KfEvent>,
}

pub const ORIGIN_CUSTOMER: i64 = 3;
pub const ORIGIN_SYSTEM: i64 = 4;
pub const ORIGIN_SERVICER: i64 = 5;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct KfText {
    #[serde(default)]
    pub content: String,
    /// Present when the text is a click on a `msgmenu` item: the item's id.
    #[serde(default)]
    pub menu_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct KfEvent {
    #[serde(default)]
    pub event_type: String,
    #[serde(default)]
    pub open_kfid: Option<String>,
    #[serde(default)]
    pub external_userid: Option<String>,
    #[serde(default)]
    pub scene: Option<String>,
    #[serde(default)]
    pub scene_param: Option<String>,
    /// `enter_session` only, when a welcome may be sent: valid 20 s, once.
    #[serde(default)]
    pub welcome_code: Option<String>,
    #[serde(default)]
    pub fail_msgid: Option<String>,
    #[serde(default)]
    pub fail_type: Option<i64>,
    #[serde(default)]
    pub servicer_userid: Option<String>,
    #[serde(default)]
    pub change_type: Option<i64>,
    #[serde(default)]
    pub msg_code: Option<String>,
}

/// Caller-chosen kf msgids: ≤ 32 bytes of `[0-9a-zA-Z_-]` (longer ones get 40058).
pub fn valid_kf_msgid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn msgid_of(v: &Value) -> Option<String> {
    v["msgid"].as_str().map(String::from)
}

fn with_fields(message: &Value, fields: Value) -> Result<Value, ApiError> {
    let mut body = message.clone();
    let (Some(obj), Value::Object(extra)) = (body.as_object_mut(), fields) else {
        return Err(ApiError::Invalid("message must be a JSON object".into()));
    };
    obj.extend(extra);
    Ok(body)
}

impl WecomApi {
    pub async fn kf_sync_msg(&self, req: &SyncRequest) -> Result<SyncPage, ApiError> {
        let body = serde_json::to_value(req).map_err(|e| ApiError::Decode(e.to_string()))?;
        let v = self.post("kf/sync_msg", &body).await?;
        serde_json::from_value(v).map_err(|e| ApiError::Decode(e.to_string()))
    }

    /// Sends `message` (`{"msgtype":…, <type>:{…}}`) to a WeChat user; the sent msgid.
    pub async fn kf_send_msg(
        &self,
        touser: &str,
        open_kfid: &str,
        msgid: Option<&str>,
        message: &Value,
    ) -> Result<Option<String>, ApiError> {
        let mut fields = json!({"touser": touser, "open_kfid": open_kfid});
        if let Some(id) = msgid {
            if !valid_kf_msgid(id) {
                return Err(ApiError::Invalid(format!(
                    "kf msgid {id:?} is not ≤ 32 bytes of [0-9a-zA-Z_-]"
                )));
            }
            fields["msgid"] = json!(id);
        }
        let v = self
            .post("kf/send_msg", &with_fields(message, fields)?)
            .await?;
        Ok(msgid_of(&v))
    }

    /// Answers an event code (a welcome within its 20 s, a goodbye, …) with one message.
    pub async fn kf_send_msg_on_event(
        &self,
        code: &str,
        msgid: Option<&str>,
        message: &Value,
    ) -> Result<Option<String>, ApiError> {
        let mut fields = json!({"code": code});
        if let Some(id) = msgid {
            if !valid_kf_msgid(id) {
                return Err(ApiError::Invalid(format!(
                    "kf msgid {id:?} is not ≤ 32 bytes of [0-9a-zA-Z_-]"
                )));
            }
            fields["msgid"] = json!(id);
        }
        let v = self
            .post("kf/send_msg_on_event", &with_fields(message, fields)?)
            .await?;
        Ok(msgid_of(&v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_page_with_messages_and_events_deserialises() {
        let page: SyncPage = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","next_cursor":"c2","has_more":0,"msg_list":[
          {"msgid":"m1","open_kfid":"wk1","external_userid":"wm1","send_time":1700000001,"origin":3,"msgtype":"text","text":{"content":"我想报名"}},
          {"msgid":"m2","open_kfid":"wk1","external_userid":"wm1","send_time":1700000002,"origin":3,"msgtype":"text","text":{"content":"报名","menu_id":"/register 1"}},
          {"msgid":"e1","send_time":1700000000,"origin":4,"msgtype":"event","event":{"event_type":"enter_session","open_kfid":"wk1","external_userid":"wm1","scene":"salon","scene_param":"ev=42","welcome_code":"aaaaaa"}},
          {"msgid":"x1","origin":3,"msgtype":"channels_shop_order","channels_shop_order":{"order_id":"1"}}
        ]}"#).unwrap();
        assert_eq!(page.next_cursor, "c2");
        assert_eq!(page.msg_list.len(), 4);
        assert_eq!(
            page.msg_list[1]
                .text
                .as_ref()
                .and_then(|t| t.menu_id.as_deref()),
            Some("/register 1")
        );
        let ev = page.msg_list[2].event.as_ref().unwrap();
        assert_eq!(ev.welcome_code.as_deref(), Some("aaaaaa"));
        assert_eq!(page.msg_list[2].external_userid, None);
        assert_eq!(page.msg_list[3].msgtype, "channels_shop_order");
    }

    #[test]
    fn caller_msgids_follow_the_documented_charset_and_length() {
        assert!(valid_kf_msgid("r7QK2M4X9c0d1ev42a"));
        assert!(valid_kf_msgid(&"a".repeat(32)));
        for bad in ["", "has space", "点", &"a".repeat(33)] {
            assert!(!valid_kf_msgid(bad), "{bad}");
        }
    }

    #[test]
    fn a_sync_request_omits_what_is_not_set() {
        let r = SyncRequest {
            limit: SYNC_LIMIT,
            open_kfid: Some("wk1".into()),
            ..SyncRequest::default()
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"limit": 1000, "open_kfid": "wk1"})
        );
    }
}
