//! Slack payloads from the network never panic the decoder or the translation to events,
//! whatever the bytes; a message's text and a slash command's text survive the round trip
//! through Slack's encoding.

use super::dto::{Envelope, Interaction, InteractiveForm, SlashCommand, SocketFrame};
use super::form::is_utf8_form;
use super::inbound::{command_text, from_block_actions, from_command, from_event, unescape};
use super::BotIdentity;
use crate::common::escape::entities;
use proptest::prelude::*;
use yunqi_bot::EventKind;

fn me() -> BotIdentity {
    BotIdentity {
        user_id: Some("UBOT".into()),
        bot_id: Some("BBOT".into()),
    }
}

/// Everything the webhook and the socket loop would do with `bytes`.
fn take_in(bytes: &[u8]) {
    if let Ok(Envelope::EventCallback(cb)) = serde_json::from_slice::<Envelope>(bytes) {
        let _ = from_event(*cb, &me());
    }
    let _ = is_utf8_form(bytes);
    if let Ok(cmd) = serde_urlencoded::from_bytes::<SlashCommand>(bytes) {
        let text = command_text(&cmd.command, &cmd.text, "/yunqi");
        let _ = from_command(&cmd, text);
    }
    let form = serde_urlencoded::from_bytes::<InteractiveForm>(bytes);
    let payload = form.map(|f| f.payload).unwrap_or_default();
    for json in [payload.as_bytes(), bytes] {
        if let Ok(Interaction::BlockActions(b)) = serde_json::from_slice::<Interaction>(json) {
            let _ = from_block_actions(&b);
        }
    }
    let _ = serde_json::from_slice::<SocketFrame>(bytes);
}

/// JSON documents shaped like Slack's, with arbitrary values where Slack puts strings.
fn slackish() -> impl Strategy<Value = String> {
    let s = || any::<String>().prop_map(|s| serde_json::Value::String(s).to_string());
    (s(), s(), s(), s(), s(), 0usize..6).prop_map(|(a, b, c, d, e, shape)| match shape {
        0 => format!(r#"{{"type":"event_callback","event_id":{a},"event":{{"type":"message","channel":{b},"channel_type":{c},"user":{d},"text":{e},"ts":"1.2"}}}}"#),
        1 => format!(r#"{{"type":"event_callback","event_id":{a},"event":{{"type":"app_mention","channel":{b},"user":{c},"text":{d},"thread_ts":{e}}}}}"#),
        2 => format!(r#"{{"type":"block_actions","user":{{"id":{a}}},"channel":{{"id":{b}}},"container":{{"type":"message","message_ts":{c}}},"actions":[{{"action_id":{d},"value":{e}}}]}}"#),
        3 => format!(r#"{{"type":"url_verification","challenge":{a}}}"#),
        4 => format!(r#"{{"envelope_id":{a},"type":{b},"payload":{{"command":{c},"text":{d},"user_id":{e}}}}}"#),
        _ => format!(r#"{{"type":{a},"event_id":{b},"event":{{"type":{c},"text":{d}}},"x":{e}}}"#),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        take_in(&bytes);
    }

    #[test]
    fn slack_shaped_json_with_arbitrary_strings_never_panics(doc in slackish()) {
        take_in(doc.as_bytes());
        let form = serde_urlencoded::to_string([("payload", doc.as_str())]).unwrap_or_default();
        take_in(form.as_bytes());
    }

    /// Slack escapes `&`, `<`, `>` in message text; the event carries the user's text.
    #[test]
    fn message_text_round_trips_through_slack_escaping(text in "[^<>&]{0,20}(&[^<>&]{0,10}|<[a-z ]{0,5}>)?[^<>&]{0,20}") {
        let text = text.trim().to_string();
        prop_assume!(!text.is_empty() && !text.starts_with("<@"));
        let escaped = entities(&text).into_owned();
        prop_assert_eq!(unescape(&escaped).into_owned(), text.clone());
        let doc = serde_json::json!({"type": "event_callback", "event_id": "Ev1", "event": {
            "type": "message", "channel": "D1", "channel_type": "im", "user": "U1",
            "text": entities(&text), "ts": "1.2"}});
        let Ok(Envelope::EventCallback(cb)) = serde_json::from_value::<Envelope>(doc) else {
            return Err(TestCaseError::fail("not an event callback"));
        };
        let ev = from_event(*cb, &me()).ok_or_else(|| TestCaseError::fail("dropped"))?;
        prop_assert_eq!(ev.kind, EventKind::Text(text));
    }

    /// A slash command form: `/yunqi <text>` reaches the core as `/<text>`.
    #[test]
    fn a_slash_commands_text_round_trips_through_the_form(text in "[^/／\\s][^\\p{Cc}]{0,40}") {
        let form = serde_urlencoded::to_string([
            ("command", "/yunqi"), ("text", text.as_str()), ("user_id", "U1"), ("channel_id", "C1"),
        ]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(is_utf8_form(form.as_bytes()));
        let cmd: SlashCommand = serde_urlencoded::from_bytes(form.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = command_text(&cmd.command, &cmd.text, "/yunqi");
        prop_assert_eq!(got, format!("/{}", text.trim()));
    }
}
