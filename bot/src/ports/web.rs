//! The web console's sign-in links, written in the transaction of `/dashboard`.

use super::StoreResult;
use crate::ids::UserRef;
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait WebTx {
    /// Stores a one-time sign-in token for `user` (the store keeps only its hash).
    async fn web_token_put(
        &mut self,
        token: &str,
        user: &UserRef,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
