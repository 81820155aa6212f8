//! Slack over Socket Mode, end to end: the real app connects to a fake Slack's WebSocket
//! (apps.connections.open → hello → envelopes, acked by envelope_id) and a member registers
//! with the slash command and the modal; the app reconnects when asked to.

use crate::common;

use crate::slack_support::*;
use serde_json::json;
use std::sync::Arc;
use tokio::time::timeout;
use yunqi_bot::ports::SystemClock;

const HELLO: &str = r#"{"type":"hello","num_connections":1,"debug_info":{"host":"applink-fake","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"A0001"}}"#;

#[tokio::test]
async fn a_member_registers_over_socket_mode_with_the_slash_command_and_the_modal() {
    let t = timeout(LIMIT, async {
        let (fake, mut sockets) = FakeSlack::start().await;
        let toml = format!("{}\n{}", slack_toml(&fake, true), salon_toml(None));
        let t = common::spawn_app_with(&toml, Arc::new(SystemClock)).await;
        assert!(t.running.platforms.contains(&"slack"));
        let r = t.http.post(format!("{}/webhooks/slack/commands", t.base)).body("x").send().await.unwrap();
        assert_eq!(r.status(), 404, "without a signing secret nothing is taken over HTTP");

        let mut ws = sockets.recv().await.unwrap();
        let open = fake.calls("apps.connections.open");
        assert_eq!(open[0].auth.as_deref(), Some("Bearer xapp-test"));
        send_frame(&mut ws, &serde_json::from_str(HELLO).unwrap()).await;

        let command = json!({"envelope_id": "env-cmd-1", "type": "slash_commands", "accepts_response_payload": true, "payload": {
            "token": "x", "team_id": "T0001", "channel_id": "C0001", "user_id": "U1", "command": "/yunqi",
            "text": "register 1", "response_url": "", "trigger_id": "1111.2222.socket"}});
        send_frame(&mut ws, &command).await;
        assert_eq!(next_frame(&mut ws).await, json!({"envelope_id": "env-cmd-1"}));
        let views = fake.calls("views.open");
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].json()["trigger_id"], "1111.2222.socket");
        assert_eq!(views[0].auth.as_deref(), Some("Bearer xoxb-test"));

        let bad = view_submission("U1", 1, "李雷", "0571-1234", "后端工程师", "5");
        send_frame(&mut ws, &json!({"envelope_id": "env-view-1", "type": "interactive", "accepts_response_payload": true, "payload": bad})).await;
        let ack = next_frame(&mut ws).await;
        assert_eq!(ack["envelope_id"], "env-view-1");
        assert_eq!(ack["payload"]["response_action"], "errors");
        assert!(ack["payload"]["errors"]["phone"].is_string(), "{ack}");
        assert!(t.app.store.export_salon(1).await.unwrap().is_empty());

        let good = view_submission("U1", 1, "李雷", "+8613800000000", "后端工程师", "5");
        send_frame(&mut ws, &json!({"envelope_id": "env-view-2", "type": "interactive", "accepts_response_payload": true, "payload": good})).await;
        assert_eq!(next_frame(&mut ws).await, json!({"envelope_id": "env-view-2"}));
        let rows = t.app.store.export_salon(1).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].user.as_str(), rows[0].status.as_str(), rows[0].name.as_str()), ("U1", "pending", "李雷"));
        let posted = fake.wait_posts("DU1", 1).await;
        assert!(posted[0].json()["text"].as_str().unwrap().contains("等待组织者审核"));

        // Slack refreshes the link: the app asks for a new URL and keeps working there.
        send_frame(&mut ws, &json!({"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "applink-fake"}})).await;
        let mut ws = sockets.recv().await.unwrap();
        assert_eq!(fake.calls("apps.connections.open").len(), 2);
        send_frame(&mut ws, &serde_json::from_str(HELLO).unwrap()).await;
        let inline = json!({"envelope_id": "env-cmd-2", "type": "slash_commands", "accepts_response_payload": true, "payload": {
            "team_id": "T0001", "channel_id": "C0001", "user_id": "U2", "command": "/register",
            "text": "1 name=韩梅梅 phone=13900000000 position=产品经理 years=4", "response_url": "", "trigger_id": "x.y.z"}});
        send_frame(&mut ws, &inline).await;
        let ack = next_frame(&mut ws).await;
        assert_eq!(ack["envelope_id"], "env-cmd-2");
        assert_eq!(ack["payload"]["response_type"], "ephemeral");
        assert!(ack["payload"]["text"].as_str().unwrap().contains("等待组织者审核"), "{ack}");
        assert_eq!(t.app.store.export_salon(1).await.unwrap().len(), 2);
        t
    })
    .await
    .expect("bounded");
    t.shutdown().await;
}
