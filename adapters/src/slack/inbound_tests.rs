//! Tests of `inbound.rs`.

use super::*;
use crate::slack::dto::{Envelope, Interaction, InteractiveForm};
use crate::slack::vectors::{self, Signed};

fn me() -> BotIdentity {
    BotIdentity {
        user_id: Some("UBOT".into()),
        bot_id: Some("BBOT".into()),
    }
}

fn event(v: Signed, me: &BotIdentity) -> Option<Inbound> {
    let Envelope::EventCallback(cb) = serde_json::from_str(v.body).unwrap() else {
        panic!("{}", v.name)
    };
    from_event(*cb, me)
}

fn text(t: &str) -> EventKind {
    EventKind::Text(t.into())
}

#[test]
fn spec_events_become_inbound_events_with_their_event_id() {
    // (example, event_id, user, conversation, message_id, text)
    let table = [
        (
            vectors::CHANNEL_MESSAGE,
            "Ev0001",
            "U0001",
            Some("C0001"),
            "1700000000.000100",
            "hello bot",
        ),
        (
            vectors::DM_MESSAGE,
            "Ev0002",
            "U0001",
            None,
            "1700000001.000200",
            "register me",
        ),
        (
            vectors::THREAD_REPLY,
            "Ev0003",
            "U0002",
            Some("C0001"),
            "1700000000.000100",
            "me too",
        ),
        (
            vectors::APP_MENTION,
            "Ev0004",
            "U0001",
            Some("C0001"),
            "1700000003.000400",
            "status please",
        ),
    ];
    for (v, id, user, conv, msg, t) in table {
        for identity in [me(), BotIdentity::default()] {
            let ev = event(v, &identity).unwrap_or_else(|| panic!("{}", v.name));
            assert_eq!(ev.event_id.as_deref(), Some(id), "{}", v.name);
            assert_eq!(ev.user, UserRef::new(Platform::Slack, user));
            assert_eq!(ev.conversation.as_deref(), conv, "{}", v.name);
            assert_eq!(ev.message_id.as_deref(), Some(msg), "{}", v.name);
            assert_eq!(ev.kind, text(t), "{}", v.name);
            assert!(!ev.reply_inline);
        }
    }
}

#[test]
fn the_bots_own_messages_other_bots_and_edits_are_ignored() {
    for identity in [me(), BotIdentity::default()] {
        assert_eq!(event(vectors::OWN_BOT_MESSAGE, &identity), None);
        assert_eq!(event(vectors::MESSAGE_CHANGED, &identity), None);
    }
    let cases = [
        r#"{"type":"message","channel":"C1","user":"UBOT","text":"x","ts":"1.1","channel_type":"channel"}"#,
        r#"{"type":"message","subtype":"bot_message","channel":"C1","bot_id":"B9","text":"x","ts":"1.1"}"#,
        r#"{"type":"message","subtype":"channel_join","channel":"C1","user":"U1","text":"x","ts":"1.1"}"#,
        r#"{"type":"message","channel":"C1","user":"U7","bot_id":"B7","text":"x","ts":"1.1"}"#,
        r#"{"type":"reaction_added","user":"U1"}"#,
    ];
    for inner in cases {
        let body = format!(r#"{{"type":"event_callback","event_id":"Ev9","event":{inner}}}"#);
        let Envelope::EventCallback(cb) = serde_json::from_str(&body).unwrap() else {
            panic!()
        };
        assert_eq!(from_event(*cb, &me()), None, "{inner}");
    }
}

#[test]
fn a_thread_broadcast_counts_and_text_is_unescaped() {
    let body = r#"{"type":"event_callback","event_id":"Ev9","event":{"type":"message","subtype":"thread_broadcast","channel":"C1","channel_type":"channel","user":"U1","text":"a &amp;lt; b &lt;&gt; &amp;","ts":"2.2","thread_ts":"1.1"}}"#;
    let Envelope::EventCallback(cb) = serde_json::from_str(body).unwrap() else {
        panic!()
    };
    let ev = from_event(*cb, &me()).unwrap();
    assert_eq!(ev.kind, text("a &lt; b <> &"));
    assert_eq!(ev.message_id.as_deref(), Some("1.1"));
}

#[test]
fn a_mention_alone_asks_for_help_and_only_the_bots_mention_is_stripped_from_messages() {
    assert_eq!(strip_mention("<@UBOT>  /salons", false, &me()), "/salons");
    assert_eq!(strip_mention("<@U2|bob> hi", false, &me()), "<@U2|bob> hi");
    assert_eq!(strip_mention("<@U2|bob> hi", true, &me()), "hi");
    assert_eq!(strip_mention("<@U2 hi", true, &me()), "<@U2 hi");
    let body = r#"{"type":"event_callback","event_id":"Ev9","event":{"type":"app_mention","channel":"C1","user":"U1","text":"<@UBOT>","ts":"1.1"}}"#;
    let Envelope::EventCallback(cb) = serde_json::from_str(body).unwrap() else {
        panic!()
    };
    assert_eq!(from_event(*cb, &me()).unwrap().kind, text("/help"));
}

#[test]
fn the_apps_command_and_a_directly_registered_command_give_the_same_text() {
    let table = [
        ("/yunqi", "register 1", "/register 1"),
        ("/yunqi", "  /register 1 ", "/register 1"),
        ("/YUNQI", "报名 1", "/报名 1"),
        ("/yunqi", "", "/help"),
        ("/register", "1", "/register 1"),
        ("/register", "", "/register"),
        ("/salons", "  ", "/salons"),
    ];
    for (command, t, want) in table {
        assert_eq!(command_text(command, t, "/yunqi"), want, "{command} {t}");
    }
}

#[test]
fn a_slash_command_answers_inline_and_a_dm_channel_is_no_shared_conversation() {
    let mut cmd: SlashCommand = serde_urlencoded::from_str(vectors::SLASH_COMMAND.body).unwrap();
    let ev = from_command(&cmd, "/register 1".into());
    assert!(ev.reply_inline);
    assert_eq!(ev.event_id, None);
    assert_eq!(ev.conversation.as_deref(), Some("C0001"));
    assert_eq!(ev.kind, text("/register 1"));
    cmd.channel_id = "D0001".into();
    assert_eq!(from_command(&cmd, "/help".into()).conversation, None);
}

#[test]
fn a_button_press_carries_its_value_as_the_command() {
    let f: InteractiveForm = serde_urlencoded::from_str(vectors::BLOCK_ACTIONS.body).unwrap();
    let Interaction::BlockActions(b) = serde_json::from_str(&f.payload).unwrap() else {
        panic!()
    };
    let ev = from_block_actions(&b).unwrap();
    assert_eq!(ev.kind, EventKind::Button("reg-42".into()));
    assert_eq!(ev.user, UserRef::new(Platform::Slack, "U0001"));
    assert_eq!(ev.conversation.as_deref(), Some("C0001"));
    let dm = r#"{"type":"block_actions","user":{"id":"U1"},"container":{"type":"message","channel_id":"D1"},"actions":[{"type":"static_select","action_id":"s"},{"type":"button","action_id":"b0","value":"/approve 1 alice"}]}"#;
    let Interaction::BlockActions(b) = serde_json::from_str(dm).unwrap() else {
        panic!()
    };
    let ev = from_block_actions(&b).unwrap();
    assert_eq!(ev.kind, EventKind::Button("/approve 1 alice".into()));
    assert_eq!(ev.conversation, None);
    let none = r#"{"type":"block_actions","user":{"id":"U1"},"actions":[{"type":"button","action_id":"b0","value":" "}]}"#;
    let Interaction::BlockActions(b) = serde_json::from_str(none).unwrap() else {
        panic!()
    };
    assert_eq!(from_block_actions(&b), None);
}
