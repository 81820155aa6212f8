//! The binary's side of tickets: the console writes the QR code under the data directory
//! and says where, no ticket code reaches the logs, and `yunqi wecom menu`.

use crate::cli::{text, yunqi};
use crate::wecom_support as wc;

fn ticket_in(text: &str) -> Option<String> {
    let after = text.split("票码：").nth(1)?;
    Some(after.chars().take(9).collect())
}

#[test]
fn the_console_writes_the_ticket_png_and_the_code_never_reaches_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let reg = "/register 1 name=张三 phone=13800001234 position=dev years=5\n";
    yunqi(dir.path(), &["console", "--as", "alice"], reg);
    let admin = yunqi(
        dir.path(),
        &["console", "--as", "admin"],
        "/approve 1 alice\n",
    );
    let out = yunqi(dir.path(), &["console", "--as", "alice"], "/ticket 1\n");
    let alice = text(&out.stdout);
    let code = ticket_in(&alice).expect("the code is printed");
    assert!(alice.contains("ticket-1.png"), "{alice}");
    let png = std::fs::read(dir.path().join("data/files/ticket-1.png")).expect("the PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // The approval, the ticket, and `/ticket`: one code.
    let codes: Vec<String> = alice
        .split("票码：")
        .skip(1)
        .map(|s| s.chars().take(9).collect())
        .collect();
    assert!(
        codes.len() >= 3 && codes.iter().all(|c| *c == code),
        "{alice}"
    );
    let plain = code.replace('-', "");
    for stderr in [text(&admin.stderr), text(&out.stderr)] {
        assert!(stderr.contains("DEBUG"), "debug logging was on");
        assert!(
            !stderr.contains(&code) && !stderr.contains(&plain),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn wecom_menu_prints_or_creates_the_scan_button() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let printed = tokio::task::spawn_blocking(move || {
        text(&yunqi(&path, &["wecom", "menu", "--print"], "").stdout)
    })
    .await
    .unwrap();
    let menu: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(menu["button"][0]["type"], "scancode_waitmsg");
    assert_eq!(menu["button"][0]["name"], "扫码签到");

    let fake = wc::Fake::start().await;
    std::fs::write(dir.path().join("wecom.toml"), wc::wecom_toml(&fake)).unwrap();
    let path = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        text(&yunqi(&path, &["--config", "wecom.toml", "wecom", "menu"], "").stdout)
    })
    .await
    .unwrap();
    assert!(out.contains("menu created"), "{out}");
    let calls = fake.calls("menu/create");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].query.get("agentid").map(String::as_str),
        Some("1000002")
    );
    assert_eq!(calls[0].body, menu);
}
