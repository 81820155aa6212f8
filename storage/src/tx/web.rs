//! `/dashboard` sign-in tokens, written in the command's transaction (hash only).

use super::SqlTx;
use crate::error::db_err;
use crate::rows::ms;
use crate::shapes::web::hash;
use chrono::{DateTime, Utc};
use yunqi_bot::ids::UserRef;
use yunqi_bot::ports::{StoreResult, WebTx};

impl WebTx for SqlTx {
    async fn web_token_put(
        &mut self,
        token: &str,
        user: &UserRef,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO web_tokens (token_hash, platform, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash(token))
        .bind(user.platform.as_str())
        .bind(&user.id)
        .bind(ms(now))
        .bind(ms(expires_at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}
