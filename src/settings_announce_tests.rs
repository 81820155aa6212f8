//! `[announce]` and `[[salons]] key` (issue 11).

use super::*;

fn settings(extra: &str) -> Settings {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, extra).unwrap();
    let t = load_table(file.to_str(), std::iter::empty()).unwrap();
    Settings::from_table(&t).unwrap()
}

#[test]
fn announce_channels_become_shared_conversations() {
    let s = settings(
        "[announce]\nwecom_robot = true\nslack_channel = \"C0COMMUNITY\"\ntelegram_chat_id = \"-100200\"\njobs = true\n",
    );
    let e = s.engine_config().unwrap();
    let to: Vec<String> = e
        .announce
        .iter()
        .map(|r| format!("{}@{}", r.user, r.conversation.as_deref().unwrap_or("-")))
        .collect();
    assert_eq!(
        to,
        [
            "wecom:robot@robot",
            "slack:C0COMMUNITY@C0COMMUNITY",
            "telegram:-100200@-100200"
        ]
    );
    assert!(e.announce_jobs);
    let none = settings("").engine_config().unwrap();
    assert!(none.announce.is_empty() && !none.announce_jobs);
}

#[test]
fn keyed_salons_are_kept_apart_from_the_empty_database_seed() {
    let s = settings(
        "[[salons]]\nkey = \"2030-05\"\ntitle_zh = \"五月\"\nvenue_zh = \"v\"\ndate = \"2030-05-18\"\nstart = \"14:00\"\nend = \"17:00\"\ncapacity = 5\n",
    );
    let now = chrono::Utc::now();
    // A file's `[[salons]]` replaces the embedded list (arrays are not merged).
    assert!(s.seed_salons(now).unwrap().is_empty());
    let keyed = s.keyed_salons(now).unwrap();
    assert_eq!(keyed.len(), 1);
    assert_eq!(keyed[0].0.as_deref(), Some("2030-05"));
    assert_eq!(keyed[0].1.capacity, 5);
}
