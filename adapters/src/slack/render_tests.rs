//! Tests of `render.rs`.

use super::*;
use serde_json::json;
use yunqi_bot::message::Recipient;
use yunqi_bot::{Platform, UserRef};

fn fitted(text: &str, buttons: Vec<Button>) -> Fitted {
    Fitted {
        to: Recipient {
            user: UserRef::new(Platform::Slack, "U1"),
            conversation: Some("C1".into()),
        },
        text: text.into(),
        buttons,
        attachment: None,
        thread: None,
        invite: None,
    }
}

fn btn(label: &str, command: &str, style: ButtonStyle) -> Button {
    Button {
        label: label.into(),
        command: command.into(),
        style,
    }
}

#[test]
fn mrkdwn_escapes_exactly_ampersand_and_angle_brackets() {
    let table = [
        ("plain 文本 *bold*", "plain 文本 *bold*"),
        ("a & b", "a &amp; b"),
        ("<@U1> <!channel>", "&lt;@U1&gt; &lt;!channel&gt;"),
        ("&amp;", "&amp;amp;"),
        ("\"quotes\" 'stay'", "\"quotes\" 'stay'"),
    ];
    for (input, want) in table {
        assert_eq!(escape(input), want, "{input}");
    }
}

#[test]
fn text_without_buttons_is_a_plain_message_with_its_thread() {
    let mut f = fitted("hi <there>", vec![]);
    f.thread = Some("1700000000.000100".into());
    let mut m = Message::fitted(&f);
    m.channel = Some("C1");
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        json!({"channel":"C1","text":"hi &lt;there&gt;","thread_ts":"1700000000.000100"})
    );
}

#[test]
fn buttons_become_a_section_and_an_actions_block_whose_values_are_commands() {
    let f = fitted(
        "新报名 New registration",
        vec![
            btn("批准", "/approve 1 alice", ButtonStyle::Primary),
            btn("拒绝", "/reject 1 alice", ButtonStyle::Danger),
            btn("详情", "/salon 1", ButtonStyle::Default),
        ],
    );
    let v = serde_json::to_value(Message::fitted(&f)).unwrap();
    assert_eq!(
        v,
        json!({
            "text": "新报名 New registration",
            "blocks": [
                {"type":"section","text":{"type":"mrkdwn","text":"新报名 New registration"}},
                {"type":"actions","elements":[
                    {"type":"button","action_id":"b0","text":{"type":"plain_text","text":"批准"},"value":"/approve 1 alice","style":"primary"},
                    {"type":"button","action_id":"b1","text":{"type":"plain_text","text":"拒绝"},"value":"/reject 1 alice","style":"danger"},
                    {"type":"button","action_id":"b2","text":{"type":"plain_text","text":"详情"},"value":"/salon 1"}
                ]}
            ]
        })
    );
}

#[test]
fn block_kit_limits_are_respected() {
    let many: Vec<Button> = (0..MAX_BUTTONS)
        .map(|i| {
            btn(
                &"长".repeat(80),
                &format!("/salon {i}"),
                ButtonStyle::Default,
            )
        })
        .collect();
    let long_cmd = btn("x", &"y".repeat(MAX_VALUE + 1), ButtonStyle::Default);
    let text = format!("{}\n{}", "&".repeat(1000), "b".repeat(3500));
    let mut buttons = many.clone();
    buttons.push(long_cmd);
    let f = fitted(&text, buttons);
    let m = Message::fitted(&f);
    assert!(
        m.text
            .ends_with(&format!("[x] {}", "y".repeat(MAX_VALUE + 1))),
        "an oversized command stays as text"
    );
    let v = serde_json::to_value(&m).unwrap();
    let blocks = v["blocks"].as_array().unwrap();
    let sections: Vec<&str> = blocks
        .iter()
        .filter(|b| b["type"] == "section")
        .map(|b| b["text"]["text"].as_str().unwrap())
        .collect();
    assert!(sections.len() >= 2);
    assert_eq!(sections.concat(), m.text, "sections hold the whole text");
    assert!(sections
        .iter()
        .all(|s| s.chars().count() <= MAX_SECTION && !s.ends_with("&am")));
    let actions: Vec<&serde_json::Value> =
        blocks.iter().filter(|b| b["type"] == "actions").collect();
    assert_eq!(actions.len(), 2);
    let mut ids = std::collections::HashSet::new();
    for a in &actions {
        let els = a["elements"].as_array().unwrap();
        assert!(els.len() <= MAX_ACTIONS);
        for e in els {
            assert!(e["text"]["text"].as_str().unwrap().chars().count() <= MAX_LABEL);
            assert!(e["value"].as_str().unwrap().len() <= MAX_VALUE);
            assert!(ids.insert(e["action_id"].as_str().unwrap().to_string()));
        }
    }
}

#[test]
fn chunks_prefer_line_ends_and_keep_entities_whole() {
    assert_eq!(chunks("abc\ndef", 5), vec!["abc\n", "def"]);
    assert_eq!(chunks("ab&amp;", 5), vec!["ab", "&amp;"]);
    assert_eq!(chunks("", 5), vec![""]);
    assert_eq!(chunks("长长长长长长", 4), vec!["长长长长", "长长"]);
}

#[test]
fn capabilities_declare_buttons_threads_dms_edits_and_the_text_limit() {
    let c = capabilities();
    assert!(c.buttons && c.threads && c.direct_messages && c.edits);
    assert_eq!((c.max_len, c.len_unit), (4000, LenUnit::Chars));
    assert_eq!(c.max_buttons, 50);
}
