//! Tests of `decision.rs`.

use super::*;
use crate::slack::dto::{Interaction, InteractiveForm};
use crate::slack::vectors;

fn button(label: &str, value: &str) -> Value {
    json!({"type": "button", "action_id": label, "text": {"type": "plain_text", "text": label}, "value": value})
}

fn source(value: &str, elements: Vec<Value>) -> Source {
    Source {
        user: "UORG".into(),
        value: value.into(),
        label: "批准 <ok>".into(),
        blocks: vec![
            json!({"type": "section", "text": {"type": "mrkdwn", "text": "新报名"}}),
            json!({"type": "actions", "elements": elements}),
        ],
        ..Source::default()
    }
}

#[test]
fn the_pressed_button_and_its_sibling_go_and_the_decision_is_shown() {
    let src = source(
        "/approve 1 slack:U1",
        vec![
            button("a1", "/approve 1 slack:U1"),
            button("r1", "/reject 1 slack:U1"),
            button("a2", "/approve 1 slack:U2"),
            button("r2", "/reject 1 slack:U2"),
        ],
    );
    let blocks = decided_blocks(&src, "已批准 1 人 & done");
    assert_eq!(blocks[0]["text"]["text"], "新报名");
    assert_eq!(blocks[1]["type"], "context");
    assert_eq!(
        blocks[1]["elements"][0]["text"],
        "<@UORG> · 批准 &lt;ok&gt;"
    );
    assert_eq!(blocks[2]["text"]["text"], "已批准 1 人 &amp; done");
    assert_eq!(blocks[3]["type"], "actions");
    let left: Vec<&str> = blocks[3]["elements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["/approve 1 slack:U2", "/reject 1 slack:U2"]);
    assert_eq!(blocks.len(), 4);
}

#[test]
fn approving_all_or_a_lone_pair_leaves_no_buttons() {
    let pair = vec![
        button("a", "/approve 1 slack:U1"),
        button("r", "/reject 1 slack:U1"),
    ];
    let blocks = decided_blocks(&source("/reject 1 slack:U1", pair.clone()), "");
    assert!(blocks.iter().all(|b| b["type"] != "actions"));
    assert_eq!(blocks.len(), 2, "no empty answer section");
    let mut all = pair;
    all.push(button("all", "/approve 1 all"));
    let blocks = decided_blocks(&source("/approve 1 all", all), "ok");
    assert!(blocks.iter().all(|b| b["type"] != "actions"));
}

#[test]
fn the_source_is_read_from_a_block_actions_payload() {
    let f: InteractiveForm = serde_urlencoded::from_str(vectors::BLOCK_ACTIONS.body).unwrap();
    let Interaction::BlockActions(b) = serde_json::from_str(&f.payload).unwrap() else {
        panic!()
    };
    let src = Source::of(&b, true);
    assert_eq!(src.user, "U0001");
    assert_eq!(src.channel.as_deref(), Some("C0001"));
    assert_eq!(src.ts.as_deref(), Some("1700000010.000100"));
    assert!(!src.ephemeral);
    assert_eq!(src.value, "reg-42");
    assert_eq!(src.label, "Approve");
    assert_eq!(src.text, "New registration from alice");
    assert_eq!(src.blocks.len(), 2);
    assert_eq!(
        src.response_url.as_deref(),
        Some("https://hooks.slack.com/actions/T0001/3333/ghijkl")
    );
}
