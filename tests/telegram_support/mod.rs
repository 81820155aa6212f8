//! Drives the real app's Telegram side in the end-to-end tests: the config pointing at the
//! fake Bot API from the test kit.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;
pub use testkit::telegram::*;
#[allow(unused_imports)]
pub use testkit::{eventually, until};

/// Every end-to-end test finishes within this.
pub const LIMIT: Duration = Duration::from_secs(90);

pub fn telegram_toml(fake: &Fake, extra: &str) -> String {
    format!(
        r#"
[telegram]
token = "{TOKEN}"
api_base = "{base}"
poll_timeout = 1
{extra}

[roles]
organizers = ["telegram:{ORGANIZER}"]

{salon}"#,
        base = fake.base,
        salon = testkit::salon_toml(Some(("telegram_chat_id", GROUP))),
    )
}

/// Runs a test body within [`LIMIT`].
pub async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test took too long")
}
