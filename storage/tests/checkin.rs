//! The shared check-in code: only around the salon, and not guessable.

use super::common::{salon, Harness};
use chrono::Duration;

async fn code_of(h: &Harness) -> String {
    h.ask("admin", "/checkin-code 1")
        .await
        .split("签到码：")
        .nth(1)
        .expect("the organizer sees the code")
        .chars()
        .take(6)
        .collect()
}

/// A code that is not `code` (same length, digits).
fn wrong(code: &str, i: u32) -> String {
    let n: u32 = code.parse().expect("six digits");
    format!("{:06}", (n + 1 + i) % 1_000_000)
}

#[tokio::test]
async fn the_shared_code_works_only_from_an_hour_before_the_start_to_the_end() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("g", 5).await;
    h.ask("admin", "/approve 1 g").await;
    let code = code_of(&h).await;
    // t0 + 50 h: the start is at t0 + 52 h.
    h.advance(Duration::hours(50));
    let early = h.ask("g", &format!("/checkin {code}")).await;
    assert!(early.contains("签到从"), "{early}");
    assert_eq!(h.status("g").await, "approved");
    h.advance(Duration::hours(5));
    let late = h.ask("g", &format!("/checkin {code}")).await;
    assert!(late.contains("已结束"), "{late}");
    assert_eq!(h.status("g").await, "approved");
}

#[tokio::test]
async fn five_wrong_codes_lock_check_in_for_ten_minutes_even_for_the_right_code() {
    let h = harness!(Harness::new(vec![salon(5, 0)]));
    h.register("g", 5).await;
    h.ask("admin", "/approve 1 g").await;
    let code = code_of(&h).await;
    h.advance(Duration::hours(51));
    for i in 0..5 {
        let a = h.ask("g", &format!("/checkin {}", wrong(&code, i))).await;
        assert!(a.contains("不正确"), "try {i}: {a}");
    }
    let locked = h.ask("g", &format!("/checkin {code}")).await;
    assert!(locked.contains("稍后再试"), "{locked}");
    assert_eq!(h.status("g").await, "approved");
    h.advance(Duration::minutes(11));
    let ok = h.ask("g", &format!("/checkin {code}")).await;
    assert!(ok.contains("签到成功"), "{ok}");
    assert_eq!(h.status("g").await, "checked_in");
}
