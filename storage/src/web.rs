//! The web console's sign-in: one-time tokens become sessions. Outside the writer: a
//! sign-in changes no domain state. Only SHA-256 hashes of tokens and session ids are
//! stored.

use super::store::SqlStore;
use crate::error::db_err;
use crate::rows::{ms, time, user};
use chrono::{DateTime, Duration, Utc};
use yunqi_bot::ids::UserRef;
use yunqi_bot::ports::StoreResult;

pub(crate) use crate::shapes::web::hash;
pub use crate::shapes::web::WebSession;

impl SqlStore {
    /// Uses a sign-in token (once, before it expires) and opens a session for its user.
    /// `None` when the token is unknown, used or expired.
    pub async fn web_sign_in(
        &self,
        token: &str,
        session_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> StoreResult<Option<UserRef>> {
        // One statement: two tabs opening the same link cannot both use it.
        let row: Option<(String, String)> = sqlx::query_as(
            "UPDATE web_tokens SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING platform, user_id",
        )
        .bind(hash(token))
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some((platform, id)) = row else {
            return Ok(None);
        };
        let who = user(&platform, id)?;
        sqlx::query(
            "INSERT INTO web_sessions (session_hash, platform, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash(session_id))
        .bind(who.platform.as_str())
        .bind(&who.id)
        .bind(csrf)
        .bind(ms(now))
        .bind(ms(now + ttl))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        // Old rows go when someone signs in: no scheduler work for a rare event.
        let day_ago = ms(now - Duration::days(1));
        sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
            .bind(day_ago)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM web_tokens WHERE expires_at < $1")
            .bind(day_ago)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(Some(who))
    }

    /// The live session with this id, if any.
    pub async fn web_session(
        &self,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<WebSession>> {
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT platform, user_id, csrf, expires_at FROM web_sessions
             WHERE session_hash = $1 AND expires_at > $2",
        )
        .bind(hash(session_id))
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|(p, id, csrf, exp)| {
            Ok(WebSession {
                user: user(&p, id)?,
                csrf,
                expires_at: time(exp),
            })
        })
        .transpose()
    }

    pub async fn web_sign_out(&self, session_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM web_sessions WHERE session_hash = $1")
            .bind(hash(session_id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            super::hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
