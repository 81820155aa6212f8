//! Socket Mode against a fake Slack (docs/platforms/slack.md §6.5): hello, an ack per envelope (with
//! the slash command's answer), reconnects after disconnect and drop, link_disabled.
#![cfg(feature = "slack")]

use crate::config::slack::{FakeSlack, LIMIT};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use testkit::Sink;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message as Frame;
use yunqi_adapters::slack::{
    run_socket_mode, SlackApi, SlackConfig, SlackState, SocketError, SocketOptions,
};
use yunqi_bot::ports::SystemClock;
use yunqi_bot::EventKind;

fn config(fake: &FakeSlack) -> SlackConfig {
    SlackConfig {
        bot_token: Some("xoxb-test".into()),
        app_token: Some("xapp-test".into()),
        api_base: fake.base.clone(),
        ..SlackConfig::default()
    }
}

fn api(fake: &FakeSlack) -> Arc<SlackApi> {
    Arc::new(SlackApi::new(&config(fake)).unwrap())
}

async fn next_text(ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) -> Value {
    loop {
        match ws.next().await.unwrap().unwrap() {
            Frame::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
            _ => continue,
        }
    }
}

const HELLO: &str = r#"{"type":"hello","num_connections":1,"debug_info":{"host":"applink-fake","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"A0001"}}"#;
const ENVELOPES: [&str; 3] = [
    r#"{"envelope_id":"env-events-1","type":"events_api","accepts_response_payload":false,"retry_attempt":0,"retry_reason":"","payload":{"token":"x","team_id":"T0001","api_app_id":"A0001","type":"event_callback","event_id":"Ev0001","event_time":1700000000,"event":{"type":"app_mention","user":"U0001","text":"<@UBOT> hello","ts":"1700000000.000100","channel":"C0001","event_ts":"1700000000.000100"}}}"#,
    r#"{"envelope_id":"env-cmd-1","type":"slash_commands","accepts_response_payload":true,"payload":{"token":"x","team_id":"T0001","team_domain":"example","channel_id":"C0001","channel_name":"general","user_id":"U0001","user_name":"alice","command":"/register","text":"now","api_app_id":"A0001","response_url":"https://hooks.slack.com/commands/T0001/1/abc","trigger_id":"1.2.abc"}}"#,
    r#"{"envelope_id":"env-int-1","type":"interactive","accepts_response_payload":false,"payload":{"type":"block_actions","user":{"id":"U0001"},"team":{"id":"T0001"},"api_app_id":"A0001","trigger_id":"1.2.abc","container":{"type":"message","message_ts":"1.1","channel_id":"C0001"},"actions":[{"action_id":"approve","block_id":"decision","value":"req-42","type":"button","action_ts":"1.2"}],"response_url":"https://hooks.slack.com/actions/T0001/1/abc"}}"#,
];

#[tokio::test]
async fn socket_mode_acks_every_envelope_and_reconnects_after_disconnect_and_drop() {
    timeout(LIMIT, async {
        let (fake, mut sockets) = FakeSlack::start().await;
        let core = Arc::new(Sink::new().echoing());
        let state = SlackState::new(&config(&fake), core.clone(), api(&fake), Arc::new(SystemClock));
        let (_stop, shutdown) = tokio::sync::watch::channel(false);
        let opts = SocketOptions { ping_every: Duration::from_secs(5), backoff: Duration::from_millis(10), max_backoff: Duration::from_millis(50) };
        let run = tokio::spawn(run_socket_mode(state, opts, shutdown));

        let mut ws = sockets.recv().await.unwrap();
        ws.send(Frame::Text(HELLO.into())).await.unwrap();
        for e in ENVELOPES {
            ws.send(Frame::Text(e.into())).await.unwrap();
        }
        let mut acks = Vec::new();
        for _ in 0..3 {
            acks.push(next_text(&mut ws).await);
        }
        acks.sort_by_key(|a| a["envelope_id"].as_str().unwrap().to_string());
        assert_eq!(acks, vec![
            json!({"envelope_id": "env-cmd-1", "payload": {"response_type": "ephemeral", "text": "echo: /register now"}}),
            json!({"envelope_id": "env-events-1"}),
            json!({"envelope_id": "env-int-1"}),
        ]);
        let seen = core.events();
        let kinds: Vec<(Option<&str>, &EventKind, bool)> = {
            let mut k: Vec<_> = seen.iter().map(|e| (e.event_id.as_deref(), &e.kind, e.reply_inline)).collect();
            k.sort_by_key(|(_, kind, _)| format!("{kind:?}"));
            k
        };
        assert_eq!(kinds, vec![
            // A press's answer comes back inline to update the pressed message.
            (None, &EventKind::Button("req-42".into()), true),
            (None, &EventKind::Text("/register now".into()), true),
            (Some("Ev0001"), &EventKind::Text("hello".into()), false),
        ]);

        // refresh_requested: a new apps.connections.open and a new socket.
        ws.send(Frame::Text(r#"{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"applink-fake"}}"#.into())).await.unwrap();
        let mut ws2 = sockets.recv().await.unwrap();
        let opens = fake.calls("apps.connections.open");
        assert_eq!(opens.len(), 2);
        assert!(opens.iter().all(|c| c.auth.as_deref() == Some("Bearer xapp-test")));
        ws2.send(Frame::Text(HELLO.into())).await.unwrap();
        // A dropped socket: connect again.
        drop(ws2);
        let mut ws3 = sockets.recv().await.unwrap();
        ws3.send(Frame::Text(HELLO.into())).await.unwrap();
        assert_eq!(fake.calls("apps.connections.open").len(), 3);
        // link_disabled: stop for good.
        ws3.send(Frame::Text(r#"{"type":"disconnect","reason":"link_disabled","debug_info":{"host":"applink-fake"}}"#.into())).await.unwrap();
        assert!(matches!(run.await.unwrap(), Err(SocketError::LinkDisabled)));
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn socket_mode_stops_on_shutdown_and_an_unacked_failure_is_left_for_redelivery() {
    timeout(LIMIT, async {
        let (fake, mut sockets) = FakeSlack::start().await;
        let state = SlackState::new(
            &config(&fake),
            Arc::new(Sink::new().echoing().failing()),
            api(&fake),
            Arc::new(SystemClock),
        );
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let run = tokio::spawn(run_socket_mode(state, SocketOptions::default(), shutdown));
        let mut ws = sockets.recv().await.unwrap();
        ws.send(Frame::Text(HELLO.into())).await.unwrap();
        ws.send(Frame::Text(ENVELOPES[0].into())).await.unwrap();
        ws.send(Frame::Text(ENVELOPES[2].into())).await.unwrap();
        // The failed event gets no ack; the button press is acked (Slack never redelivers it).
        assert_eq!(
            next_text(&mut ws).await,
            json!({"envelope_id": "env-int-1"})
        );
        assert!(timeout(Duration::from_millis(300), next_text(&mut ws))
            .await
            .is_err());
        stop.send(true).unwrap();
        assert!(run.await.unwrap().is_ok());
    })
    .await
    .unwrap();
}
