//! Sign-in shapes of `web.rs`, shared by both backends.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use yunqi_bot::ids::UserRef;

/// SHA-256 as hex: what the database keeps instead of a token or session id.
pub(crate) fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub user: UserRef,
    /// The form token every POST must carry.
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}
