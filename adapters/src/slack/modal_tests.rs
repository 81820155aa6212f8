//! Tests of `modal.rs`.

use super::*;
use crate::slack::dto::{Interaction, InteractiveForm};
use crate::slack::vectors;
use yunqi_bot::command::ProfileFields;

fn view(callback: &str, values: [(&str, Option<&str>); 4]) -> View {
    let mut state = Map::new();
    for (block, v) in values {
        state.insert(
            block.into(),
            json!({ format!("{block}_input"): {"type": "plain_text_input", "value": v} }),
        );
    }
    serde_json::from_value(json!({"callback_id": callback, "state": {"values": state}})).unwrap()
}

fn good(callback: &str) -> View {
    view(
        callback,
        [
            ("name", Some(" Li Lei ")),
            ("phone", Some("+86 138 0000 0000")),
            ("position", Some("后端")),
            ("years", Some("5年")),
        ],
    )
}

#[test]
fn only_a_register_without_fields_opens_the_modal() {
    assert_eq!(wants_modal("/register 7"), Some(SalonId(7)));
    assert_eq!(wants_modal("/报名 7"), Some(SalonId(7)));
    assert_eq!(wants_modal("/register 7 name=Li"), None);
    assert_eq!(wants_modal("/register"), None);
    assert_eq!(wants_modal("/salons"), None);
}

#[test]
fn the_modal_has_four_inputs_and_carries_the_salon_in_its_callback_id() {
    let v = registration_view(SalonId(3));
    assert_eq!(v["callback_id"], "register:3");
    assert_eq!(v["type"], "modal");
    let ids: Vec<&str> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["block_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["name", "phone", "position", "years"]);
    for key in ["title", "submit", "close"] {
        assert!(
            v[key]["text"].as_str().unwrap().chars().count() <= 24,
            "{key}: Slack's limit"
        );
    }
}

#[test]
fn a_valid_submission_becomes_the_inline_register_command_the_core_parses() {
    let Submission::Register(text) = submission(&good("register:3")) else {
        panic!()
    };
    assert_eq!(
        text,
        r#"/register 3 name="Li Lei" phone="13800000000" position="后端" years="5""#
    );
    let Parsed::Command(Command::Register { salon, fields }) = command::parse(&text) else {
        panic!("{text}")
    };
    assert_eq!(salon, SalonId(3));
    assert_eq!(
        fields,
        ProfileFields {
            name: Some("Li Lei".into()),
            phone: Some("13800000000".into()),
            position: Some("后端".into()),
            years: Some("5".into()),
            ..ProfileFields::default()
        }
    );
}

#[test]
fn invalid_fields_come_back_as_bilingual_errors_per_block() {
    let v = view(
        "register:3",
        [
            ("name", None),
            ("phone", Some("12345")),
            ("position", Some("a \"b\"")),
            ("years", Some("3.5")),
        ],
    );
    let Submission::Errors(body) = submission(&v) else {
        panic!()
    };
    assert_eq!(body["response_action"], "errors");
    let errors = body["errors"].as_object().unwrap();
    assert_eq!(errors.len(), 4);
    assert_eq!(errors["name"], "这一项不能为空。 This cannot be empty.");
    let phone = errors["phone"].as_str().unwrap();
    assert!(
        phone.starts_with("这不像是手机号") && phone.contains("does not look like a mobile number"),
        "{phone}"
    );
    assert!(errors["position"]
        .as_str()
        .unwrap()
        .contains("double quotes"));
    assert!(errors["years"].as_str().unwrap().contains("whole number"));
    let one_bad = view(
        "register:3",
        [
            ("name", Some("Li")),
            ("phone", Some("13800000000")),
            ("position", Some("dev")),
            ("years", Some("61")),
        ],
    );
    let Submission::Errors(body) = submission(&one_bad) else {
        panic!()
    };
    assert_eq!(
        body["errors"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["years"]
    );
}

#[test]
fn other_views_are_not_ours() {
    for cb in ["registration", "register:", "register:x", "register:0", ""] {
        assert_eq!(submission(&good(cb)), Submission::NotOurs, "{cb}");
    }
    let f: InteractiveForm = serde_urlencoded::from_str(vectors::VIEW_SUBMISSION.body).unwrap();
    let Interaction::ViewSubmission(v) = serde_json::from_str(&f.payload).unwrap() else {
        panic!()
    };
    assert_eq!(submission(&v.view), Submission::NotOurs);
}
