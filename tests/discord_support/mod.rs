//! Drives the real app's Discord side in the end-to-end tests: the config pointing at the
//! fake Discord from the test kit.

#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;
pub use testkit::discord::*;
#[allow(unused_imports)]
pub use testkit::{eventually, until};

pub const LIMIT: Duration = Duration::from_secs(90);

pub fn discord_toml(fake: &Fake) -> String {
    format!(
        r#"
[discord]
token = "{TOKEN}"
application_id = {APP}
api_base = "{base}"
guild_id = "{GUILD}"

[roles]
organizers = ["discord:{ORGANIZER}"]

{salon}"#,
        base = fake.base,
        salon = testkit::salon_toml(Some(("discord_role_id", ROLE))),
    )
}

pub async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test took too long")
}
