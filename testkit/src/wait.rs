//! Polling helpers for things that happen in the background.

use std::time::{Duration, Instant};

/// Polls `f` every 20 ms until it gives `Some`, for at most 30 s.
pub async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `cond` holds (see `eventually`).
pub async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    eventually(what, || cond().then_some(())).await
}
