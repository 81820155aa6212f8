//! Account linking against hostile input: long hashed codes, unique codes, an attempt
//! limit, and a confirmation on the role-holding side before a link hands over a role.

use crate::on_sqlite::common::{code_in, salon, Harness, Sent};
use chrono::Duration;
use yunqi_bot::ids::MemberId;
use yunqi_bot::ports::prelude::*;
use yunqi_bot::ports::Store;
use yunqi_bot::{Platform, UserRef};

const ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn slack(id: &str) -> UserRef {
    UserRef::new(Platform::Slack, id)
}

fn texts_to(sent: &[Sent], to: &str) -> String {
    sent.iter()
        .filter(|s| s.to == to)
        .map(|s| s.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The token in "… /link confirm <token>".
fn token_in(msg: &str) -> String {
    let after = msg.split("/link confirm ").nth(1).unwrap_or_default();
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn link_codes_are_long_unambiguous_unique_and_stored_hashed() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let mut seen = std::collections::HashSet::new();
    for i in 0..20 {
        let code = code_in(&h.ask(&format!("u{i}"), "/link").await);
        let plain: String = code.chars().filter(|c| *c != '-').collect();
        assert!(plain.len() >= 8, "{code}");
        assert!(plain.chars().all(|c| ALPHABET.contains(c)), "{code}");
        // At least 40 bits: 31 symbols per character.
        assert!(plain.len() as f64 * 31f64.log2() >= 40.0, "{code}");
        assert!(seen.insert(plain.clone()), "{code} twice");
        // A database reader learns nothing usable.
        let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM link_codes")
            .fetch_all(h.store.pool())
            .await
            .unwrap();
        assert!(
            stored
                .iter()
                .all(|s| !s.contains(&plain) && !s.contains(&code)),
            "{stored:?}"
        );
    }
}

#[tokio::test]
async fn a_code_never_overwrites_another_members_code() {
    let h = harness!(Harness::new(vec![]));
    let now = h.clock.now_for_tests();
    let later = now + Duration::minutes(10);
    let mut tx = h.store.begin().await.unwrap();
    assert!(tx
        .link_code_put("SAMECODE2", MemberId(1), now, later)
        .await
        .unwrap());
    // Another member's live code is kept; the caller retries with a new code.
    assert!(!tx
        .link_code_put("SAMECODE2", MemberId(2), now, later)
        .await
        .unwrap());
    // A member's new code replaces its own old one.
    assert!(tx
        .link_code_put("OTHERCODE", MemberId(3), now, later)
        .await
        .unwrap());
    assert!(tx
        .link_code_put("NEWERCODE", MemberId(3), now, later)
        .await
        .unwrap());
    assert_eq!(tx.link_code_take("OTHERCODE", now).await.unwrap(), None);
    assert_eq!(
        tx.link_code_take("NEWERCODE", now).await.unwrap(),
        Some(MemberId(3))
    );
    assert_eq!(
        tx.link_code_take("SAMECODE2", now).await.unwrap(),
        Some(MemberId(1))
    );
    tx.commit().await.unwrap();
}

use crate::on_sqlite::common::ClockExt;

#[tokio::test]
async fn wrong_codes_lock_the_account_out_even_for_the_right_code() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let code = code_in(&h.ask("alice", "/link").await);
    let guesser = slack("UGUESS");
    for i in 0..5 {
        let out = h.say_as(&guesser, &format!("/link 2345-67{i}A")).await;
        assert!(texts_to(&out, "slack:UGUESS").contains("无效"), "{out:?}");
    }
    let out = h.say_as(&guesser, "/link ABCD-EFGH").await;
    assert!(texts_to(&out, "slack:UGUESS").contains("稍后"), "{out:?}");
    // Locked: the right code is refused too, and stays unused.
    let out = h.say_as(&guesser, &format!("/link {code}")).await;
    let text = texts_to(&out, "slack:UGUESS");
    assert!(text.contains("稍后") && !text.contains("已关联"), "{text}");
    // The wrong tries were durable: a restarted process still refuses.
    let h2 = harness!(Harness::open(&h.path, h.clock.now_for_tests()));
    let out = h2.say_as(&guesser, &format!("/link {code}")).await;
    assert!(texts_to(&out, "slack:UGUESS").contains("稍后"), "{out:?}");
    // After the window a fresh code links, typed lower case with spaces.
    h2.advance(Duration::minutes(11));
    let code = code_in(&h2.ask("alice", "/link").await);
    let typed = code.to_lowercase().replace('-', " ");
    let out = h2.say_as(&guesser, &format!("/link {typed}")).await;
    assert!(texts_to(&out, "slack:UGUESS").contains("已关联"), "{out:?}");
}

#[tokio::test]
async fn an_organizers_code_gives_no_role_until_the_organizer_confirms() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let code = code_in(&h.ask("admin", "/link").await);
    let attacker = slack("UATTACK");
    let out = h.say_as(&attacker, &format!("/link {code}")).await;
    let told = texts_to(&out, "slack:UATTACK");
    assert!(told.contains("等待") && !told.contains("已关联"), "{told}");
    // The organizer's account is asked, naming the account that would join.
    let asked = texts_to(&out, "console:admin");
    assert!(asked.contains("slack:UATTACK"), "{asked}");
    let token = token_in(&asked);
    assert!(token.len() >= 8, "{asked}");
    // Until then the attacker is nobody special.
    let who = texts_to(&h.say_as(&attacker, "/whoami").await, "slack:UATTACK");
    assert!(
        who.contains("普通成员") && !who.contains("console:admin"),
        "{who}"
    );
    let pending = texts_to(&h.say_as(&attacker, "/pending 1").await, "slack:UATTACK");
    assert!(pending.contains("只有组织者"), "{pending}");
    // Even holding the token, the attacker cannot confirm for the organizer.
    let out = h.say_as(&attacker, &format!("/link confirm {token}")).await;
    assert!(
        !texts_to(&out, "slack:UATTACK").contains("已关联"),
        "{out:?}"
    );
    let who = texts_to(&h.say_as(&attacker, "/whoami").await, "slack:UATTACK");
    assert!(who.contains("普通成员"), "{who}");
    // The organizer confirms: now the accounts are one member with the role.
    let done = h.ask("admin", &format!("/link confirm {token}")).await;
    assert!(done.contains("已关联"), "{done}");
    let who = texts_to(&h.say_as(&attacker, "/whoami").await, "slack:UATTACK");
    assert!(
        who.contains("组织者") && who.contains("console:admin"),
        "{who}"
    );
    // A token works once.
    let again = h.ask("admin", &format!("/link confirm {token}")).await;
    assert!(!again.contains("已关联"), "{again}");
}

#[tokio::test]
async fn a_chat_granted_organizers_code_also_needs_the_organizers_confirmation() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let granted = h.ask("admin", "/grant organizer console:carol").await;
    assert!(granted.contains("carol"), "{granted}");
    let code = code_in(&h.ask("carol", "/link").await);
    let attacker = slack("UATTACK2");
    let out = h.say_as(&attacker, &format!("/link {code}")).await;
    let told = texts_to(&out, "slack:UATTACK2");
    assert!(told.contains("等待") && !told.contains("已关联"), "{told}");
    let pending = texts_to(&h.say_as(&attacker, "/pending 1").await, "slack:UATTACK2");
    assert!(pending.contains("只有组织者"), "{pending}");
}

#[tokio::test]
async fn a_link_that_moves_no_role_is_one_step() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    let code = code_in(&h.ask("bob", "/link").await);
    let other = slack("UBOB");
    let out = h.say_as(&other, &format!("/link {code}")).await;
    assert!(texts_to(&out, "slack:UBOB").contains("已关联"), "{out:?}");
    let who = texts_to(&h.say_as(&other, "/whoami").await, "slack:UBOB");
    assert!(
        who.contains("console:bob") && who.contains("slack:UBOB"),
        "{who}"
    );
}
