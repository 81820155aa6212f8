//! Drives the real app's WeCom side in the end-to-end tests: the config pointing at the
//! fake WeCom (from the test kit), the encrypted callbacks WeCom would push, and how a
//! member reads a message.

#![allow(dead_code)]

use serde_json::Value;
use std::future::Future;
use std::time::Duration;
pub use testkit::wecom::*;
#[allow(unused_imports)]
pub use testkit::{eventually, until};
use yunqi_adapters::wecom::WxCrypt;

/// Every end-to-end test finishes within this.
pub const LIMIT: Duration = Duration::from_secs(90);

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The `[wecom]`, `[roles]` and `[[salons]]` sections for the app under test.
pub fn wecom_toml(fake: &Fake) -> String {
    format!(
        r#"
[wecom]
corp_id = "{CORP}"
agent_id = 1000002
secret = "{SECRET}"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
api_base = "{base}"
kf_open_kfid = "{KFID}"
robot_webhook = "{ROBOT_KEY}"

[roles]
organizers = ["wecom:{ORGANIZER}"]

{salon}"#,
        base = fake.base,
        salon = testkit::salon_toml(Some(("wecom_group_chat_id", GROUP))),
    )
}

/// Signs and POSTs callbacks the way WeCom does.
pub struct Callbacks {
    pub http: reqwest::Client,
    pub url: String,
    crypt: WxCrypt,
}

impl Callbacks {
    pub fn new(http: reqwest::Client, base: &str) -> Callbacks {
        Callbacks {
            http,
            url: format!("{base}/webhooks/wecom"),
            crypt: WxCrypt::new(TOKEN, AES_KEY, CORP).expect("crypt"),
        }
    }

    /// The exact request WeCom would send for a plaintext: (query, body).
    pub fn seal(&self, inner: &str) -> (String, String) {
        let ts = now().to_string();
        let nonce = format!("{}", rand_u32());
        let enc = self.crypt.encrypt(inner);
        let sig = self.crypt.signature(&ts, &nonce, &enc);
        let body = format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>");
        (
            format!("msg_signature={sig}&timestamp={ts}&nonce={nonce}"),
            body,
        )
    }

    pub async fn post_raw(&self, query: &str, body: String) -> u16 {
        let r = self
            .http
            .post(format!("{}?{query}", self.url))
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .expect("post callback");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        if status == 200 {
            assert!(text.is_empty(), "WeCom expects an empty body: {text}");
        }
        status
    }

    pub async fn post(&self, inner: &str) -> u16 {
        let (q, b) = self.seal(inner);
        self.post_raw(&q, b).await
    }

    /// A member's text message.
    pub async fn text(&self, from: &str, content: &str, msg_id: &str) -> u16 {
        self.post(&text_xml(from, content, msg_id)).await
    }

    /// A click on a template card button.
    pub async fn click(&self, from: &str, key: &str, task_id: &str, response_code: &str) -> u16 {
        self.post(&click_xml(from, key, task_id, response_code))
            .await
    }

    /// 微信客服 has news (a pull ticket).
    pub async fn kf_signal(&self) -> u16 {
        self.post(&format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCTOKEN{}]]></Token><OpenKfId><![CDATA[{KFID}]]></OpenKfId></xml>", now(), rand_u32())).await
    }

    /// Someone joined a customer group.
    pub async fn group_member_added(&self, chat_id: &str, who: &str) -> u16 {
        self.post(&format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[{chat_id}]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[{who}]]></Item></MemChangeList></xml>", now())).await
    }
}

fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish() as u32
}

pub fn text_xml(from: &str, content: &str, msg_id: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>", now())
}

pub fn click_xml(from: &str, key: &str, task_id: &str, response_code: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{CORP}]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[{response_code}]]></ResponseCode><AgentID>1000002</AgentID></xml>", now())
}

/// Lets anything that would still happen happen (used before asserting "nothing more").
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(700)).await;
}

/// The text of an app or kf message as a member would read it.
pub fn shown(m: &Value) -> String {
    match m["msgtype"].as_str().unwrap_or_default() {
        "text" => m["text"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        "template_card" => {
            let c = &m["template_card"];
            format!(
                "{}\n{}",
                c["main_title"]["title"].as_str().unwrap_or_default(),
                c["sub_title_text"].as_str().unwrap_or_default()
            )
        }
        "msgmenu" => m["msgmenu"]["head_content"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        other => format!("[{other}]"),
    }
}

pub async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test took too long")
}
