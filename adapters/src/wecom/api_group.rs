//! Customer groups (客户群): join-way QR codes and member lists
//! (docs/platforms/wechat-kf.md §4).

use super::api::WecomApi;
use super::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// scene 2 = QR code (only that one yields `qr_code`).
pub const SCENE_QR: i64 = 2;
pub const MAX_JOIN_WAY_CHATS: usize = 5;
pub const MAX_STATE_CHARS: usize = 30;

/// A 「加入群聊」 configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinWay {
    #[serde(default)]
    pub config_id: Option<String>,
    pub scene: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// 1 (WeCom's default): open a new group when the listed ones are full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_create_room: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_base_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_base_id: Option<i64>,
    #[serde(default)]
    pub chat_id_list: Vec<String>,
    /// Comes back on every member who joined this way (`groupchat/get`): who joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only in answers.
    #[serde(default, skip_serializing)]
    pub qr_code: Option<String>,
}

impl JoinWay {
    /// A QR join way into `chat_ids` that tags joiners with `state`.
    pub fn qr(chat_ids: Vec<String>, state: impl Into<String>) -> JoinWay {
        JoinWay {
            scene: SCENE_QR,
            chat_id_list: chat_ids,
            state: Some(state.into()),
            ..JoinWay::default()
        }
    }

    fn check(&self) -> Result<(), ApiError> {
        if self.chat_id_list.is_empty() || self.chat_id_list.len() > MAX_JOIN_WAY_CHATS {
            return Err(ApiError::Invalid(format!(
                "a join way holds 1..={MAX_JOIN_WAY_CHATS} groups"
            )));
        }
        if self
            .state
            .as_deref()
            .is_some_and(|s| s.chars().count() > MAX_STATE_CHARS)
        {
            return Err(ApiError::Invalid(format!(
                "join way state is longer than {MAX_STATE_CHARS} characters"
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GroupChat {
    pub chat_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub member_list: Vec<GroupMember>,
    #[serde(default)]
    pub member_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct GroupMember {
    pub userid: String,
    /// 1 = enterprise member, 2 = external contact.
    #[serde(default, rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub join_time: i64,
    /// 1 invited, 2 invite link, 3 scanned a QR (not the callback's coding).
    #[serde(default)]
    pub join_scene: i64,
    /// The join way's `state`, when joined through one.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl GroupChat {
    /// The member who joined through a join way with this `state`.
    pub fn member_with_state(&self, state: &str) -> Option<&GroupMember> {
        self.member_list
            .iter()
            .find(|m| m.state.as_deref() == Some(state))
    }
}

fn decode<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::Decode(e.to_string()))
}

impl WecomApi {
    /// Creates a join way; its `config_id`.
    pub async fn add_join_way(&self, way: &JoinWay) -> Result<String, ApiError> {
        way.check()?;
        let mut body = serde_json::to_value(way).map_err(|e| ApiError::Decode(e.to_string()))?;
        if let Some(o) = body.as_object_mut() {
            o.remove("config_id");
        }
        let v = self
            .post("externalcontact/groupchat/add_join_way", &body)
            .await?;
        v["config_id"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| ApiError::Decode("add_join_way without config_id".into()))
    }

    /// Reads a join way, with its `qr_code` image URL.
    pub async fn get_join_way(&self, config_id: &str) -> Result<JoinWay, ApiError> {
        let mut v = self
            .post(
                "externalcontact/groupchat/get_join_way",
                &json!({"config_id": config_id}),
            )
            .await?;
        decode(v["join_way"].take())
    }

    pub async fn del_join_way(&self, config_id: &str) -> Result<(), ApiError> {
        self.post(
            "externalcontact/groupchat/del_join_way",
            &json!({"config_id": config_id}),
        )
        .await
        .map(drop)
    }

    /// A customer group with its members (names only when `need_name`).
    pub async fn groupchat_get(
        &self,
        chat_id: &str,
        need_name: bool,
    ) -> Result<GroupChat, ApiError> {
        let body = json!({"chat_id": chat_id, "need_name": i64::from(need_name)});
        let mut v = self.post("externalcontact/groupchat/get", &body).await?;
        decode(v["group_chat"].take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_ways_outside_the_documented_limits_are_refused_before_any_call() {
        assert!(JoinWay::qr(vec!["wr1".into()], "r1234").check().is_ok());
        assert!(JoinWay::qr(vec![], "r1").check().is_err());
        assert!(
            JoinWay::qr((0..6).map(|i| format!("wr{i}")).collect(), "r1")
                .check()
                .is_err()
        );
        assert!(JoinWay::qr(vec!["wr1".into()], "长".repeat(31))
            .check()
            .is_err());
        assert!(JoinWay::qr(vec!["wr1".into()], "长".repeat(30))
            .check()
            .is_ok());
    }

    #[test]
    fn a_group_member_is_found_by_the_state_of_their_join_way() {
        let g: GroupChat = serde_json::from_value(json!({"chat_id":"wr1","member_list":[
            {"userid":"organizer_li","type":1,"join_time":1,"join_scene":1},
            {"userid":"wmA","type":2,"join_time":2,"join_scene":3,"state":"r1234"}]}))
        .unwrap();
        assert_eq!(
            g.member_with_state("r1234").map(|m| m.userid.as_str()),
            Some("wmA")
        );
        assert!(g.member_with_state("r9").is_none());
    }
}
