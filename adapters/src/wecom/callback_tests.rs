use super::callback::*;
use super::xml::XmlError;

fn ev(doc: &str) -> Event {
    match parse_callback(doc).unwrap().body {
        Body::Event(e) => e,
        other => panic!("not an event: {other:?}"),
    }
}

#[test]
fn a_text_message_with_or_without_cdata_parses_alike() {
    let d2 = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";
    let c = parse_callback(d2).unwrap();
    assert_eq!(c.from_user_name.as_deref(), Some("mycreate"));
    assert_eq!(c.create_time, 1409659813);
    assert_eq!(c.agent_id.as_deref(), Some("218"));
    assert_eq!(
        c.body,
        Body::Text {
            content: "hello".into(),
            msg_id: "4561255354251345929".into()
        }
    );
    let d6 = "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>";
    let c = parse_callback(d6).unwrap();
    assert_eq!(
        c.body,
        Body::Text {
            content: "你好".into(),
            msg_id: "1456453720".into()
        }
    );
}

#[test]
fn a_template_card_click_carries_key_task_and_response_code() {
    let doc = "<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[/approve 1 alice]]></EventKey><TaskId><![CDATA[reg-req-42]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc1]]></ResponseCode><AgentID>1000002</AgentID><SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[opt1]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>";
    assert_eq!(
        ev(doc),
        Event::TemplateCard {
            menu: false,
            event_key: "/approve 1 alice".into(),
            task_id: "reg-req-42".into(),
            card_type: Some("button_interaction".into()),
            response_code: Some("rc1".into()),
        }
    );
}

#[test]
fn kf_group_and_contact_events_parse_into_their_fields() {
    let kf = "<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxn]]></Token><OpenKfId><![CDATA[wkAJ2]]></OpenKfId></xml>";
    assert_eq!(
        ev(kf),
        Event::KfMsgOrEvent {
            token: "ENCApHxn".into(),
            open_kfid: "wkAJ2".into()
        }
    );
    let chat = "<xml><ToUserName>ww1</ToUserName><FromUserName>sys</FromUserName><CreateTime>1700000500</CreateTime><MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>wrOg</ChatId><ChangeType>update</ChangeType><UpdateDetail>add_member</UpdateDetail><JoinScene>3</JoinScene><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item>wmA</Item><Item>wmB</Item></MemChangeList></xml>";
    assert_eq!(
        ev(chat),
        Event::ChangeExternalChat {
            chat_id: "wrOg".into(),
            change_type: "update".into(),
            update_detail: Some("add_member".into()),
            join_scene: Some(3),
            members: vec!["wmA".into(), "wmB".into()],
        }
    );
    let auth = "<xml><MsgType>event</MsgType><Event>kf_account_auth_change</Event><AuthAddOpenKfId>wk1</AuthAddOpenKfId><AuthAddOpenKfId>wk2</AuthAddOpenKfId><AuthDelOpenKfId>wk3</AuthDelOpenKfId></xml>";
    assert_eq!(
        ev(auth),
        Event::KfAccountAuthChange {
            added: vec!["wk1".into(), "wk2".into()],
            removed: vec!["wk3".into()]
        }
    );
    let contact = "<xml><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType><UserID>li</UserID><ExternalUserID>wmX</ExternalUserID><State>client_job</State><WelcomeCode>WC</WelcomeCode></xml>";
    assert_eq!(
        ev(contact),
        Event::ChangeExternalContact {
            change_type: "add_external_contact".into(),
            user_id: Some("li".into()),
            external_user_id: Some("wmX".into()),
            state: Some("client_job".into()),
            welcome_code: Some("WC".into()),
        }
    );
}

#[test]
fn simple_and_unknown_types_are_kept_not_rejected() {
    let e = |name: &str| {
        ev(&format!(
            "<xml><MsgType>event</MsgType><Event>{name}</Event><EventKey>k</EventKey></xml>"
        ))
    };
    assert_eq!(e("enter_agent"), Event::EnterAgent);
    assert_eq!(e("subscribe"), Event::Subscribe);
    assert_eq!(e("unsubscribe"), Event::Unsubscribe);
    assert_eq!(
        e("brand_new"),
        Event::Other {
            event: "brand_new".into(),
            event_key: Some("k".into())
        }
    );
    let img =
        parse_callback("<xml><MsgType>image</MsgType><PicUrl>u</PicUrl><MsgId>9</MsgId></xml>")
            .unwrap();
    assert_eq!(
        img.body,
        Body::OtherMessage {
            msg_type: "image".into(),
            msg_id: Some("9".into())
        }
    );
}

#[test]
fn required_fields_missing_or_bad_numbers_are_errors() {
    let cases = [
        (
            "<xml><Content>x</Content></xml>",
            XmlError::Missing("MsgType"),
        ),
        (
            "<xml><MsgType>text</MsgType><Content>x</Content></xml>",
            XmlError::Missing("MsgId"),
        ),
        (
            "<xml><MsgType>event</MsgType></xml>",
            XmlError::Missing("Event"),
        ),
        (
            "<xml><MsgType>event</MsgType><Event>kf_msg_or_event</Event><Token>t</Token></xml>",
            XmlError::Missing("OpenKfId"),
        ),
        (
            "<xml><MsgType>event</MsgType><Event>template_card_event</Event></xml>",
            XmlError::Missing("EventKey"),
        ),
        (
            "<xml><MsgType>text</MsgType><MsgId>1</MsgId><CreateTime>soon</CreateTime></xml>",
            XmlError::BadValue("CreateTime"),
        ),
    ];
    for (doc, want) in cases {
        assert_eq!(parse_callback(doc).err(), Some(want), "{doc}");
    }
}
