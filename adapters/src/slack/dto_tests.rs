//! Tests of `dto.rs`.

use super::*;
use crate::slack::vectors;

fn interaction(form: &str) -> Interaction {
    let f: InteractiveForm = serde_urlencoded::from_str(form).unwrap();
    serde_json::from_str(&f.payload).unwrap()
}

#[test]
fn every_event_example_of_the_spec_decodes() {
    let Envelope::UrlVerification { challenge } =
        serde_json::from_str(vectors::URL_VERIFICATION.body).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        challenge,
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    for v in [
        vectors::CHANNEL_MESSAGE,
        vectors::DM_MESSAGE,
        vectors::THREAD_REPLY,
        vectors::OWN_BOT_MESSAGE,
        vectors::MESSAGE_CHANGED,
    ] {
        let Envelope::EventCallback(cb) = serde_json::from_str(v.body).unwrap() else {
            panic!("{}", v.name)
        };
        assert!(matches!(cb.event, Event::Message(_)), "{}", v.name);
        assert!(cb.event_id.starts_with("Ev"));
    }
    let Envelope::EventCallback(cb) = serde_json::from_str(vectors::APP_MENTION.body).unwrap()
    else {
        panic!()
    };
    let Event::AppMention(m) = cb.event else {
        panic!()
    };
    assert_eq!(m.text.as_deref(), Some("<@UBOT> status please"));
    let Envelope::EventCallback(cb) = serde_json::from_str(vectors::MESSAGE_CHANGED.body).unwrap()
    else {
        panic!()
    };
    let Event::Message(m) = cb.event else {
        panic!()
    };
    assert_eq!(m.subtype.as_deref(), Some("message_changed"));
}

#[test]
fn unknown_envelope_and_event_types_decode_as_other() {
    let e: Envelope =
        serde_json::from_str(r#"{"type":"app_rate_limited","minute_rate_limited":1}"#).unwrap();
    assert!(matches!(e, Envelope::Other));
    let e: Envelope = serde_json::from_str(
        r#"{"type":"event_callback","event_id":"Ev9","event":{"type":"reaction_added"}}"#,
    )
    .unwrap();
    assert!(matches!(e, Envelope::EventCallback(cb) if matches!(cb.event, Event::Other)));
}

#[test]
fn a_slash_command_form_decodes_with_plus_as_space() {
    let c: SlashCommand = serde_urlencoded::from_str(vectors::SLASH_COMMAND.body).unwrap();
    assert_eq!(c.command, "/register");
    assert_eq!(c.text, "alice@example.com dev");
    assert_eq!(c.user_id, "U0001");
    assert_eq!(c.channel_id, "C0001");
    assert_eq!(
        c.response_url,
        "https://hooks.slack.com/commands/T0001/1111/abcdef"
    );
    assert_eq!(c.trigger_id, "1111.2222.abcdef");
    assert_eq!(c.ssl_check, None);
}

#[test]
fn block_actions_and_view_submission_payloads_decode() {
    let Interaction::BlockActions(b) = interaction(vectors::BLOCK_ACTIONS.body) else {
        panic!()
    };
    assert_eq!(b.user.id, "U0001");
    assert_eq!(b.actions[0].value.as_deref(), Some("reg-42"));
    assert_eq!(b.actions[0].kind, "button");
    assert_eq!(b.container.unwrap().channel_id.as_deref(), Some("C0001"));
    assert_eq!(
        b.response_url.as_deref(),
        Some("https://hooks.slack.com/actions/T0001/3333/ghijkl")
    );
    let Interaction::ViewSubmission(v) = interaction(vectors::VIEW_SUBMISSION.body) else {
        panic!()
    };
    assert_eq!(v.view.callback_id, "registration");
    assert_eq!(v.view.state.text("name_block"), Some("Alice Example"));
    assert_eq!(
        v.view.state.text("role_block"),
        Some("dev"),
        "a select gives its option value"
    );
    assert_eq!(v.view.state.text("nope"), None);
}
