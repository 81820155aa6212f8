//! Link codes and pending links, stored as SHA-256 of the normal form so that a database
//! reader cannot use them; unique, never overwriting another member's live code.

use super::SqlTx;
use crate::error::db_err;
use crate::rows::ms;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use yunqi_bot::ids::MemberId;
use yunqi_bot::ports::StoreResult;

fn digest(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

pub(super) async fn code_put(
    t: &mut SqlTx,
    code: &str,
    m: MemberId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> StoreResult<bool> {
    // The member's own older code goes; so do dead codes that could only collide.
    sqlx::query("DELETE FROM link_codes WHERE member_id = $1 OR expires_at <= $2")
        .bind(m.0)
        .bind(ms(now))
        .execute(&mut *t.tx)
        .await
        .map_err(db_err)?;
    let done = sqlx::query(
        "INSERT INTO link_codes (code_hash, member_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT(code_hash) DO NOTHING",
    )
    .bind(digest(code))
    .bind(m.0)
    .bind(ms(expires))
    .execute(&mut *t.tx)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn code_take(
    t: &mut SqlTx,
    code: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<MemberId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "DELETE FROM link_codes WHERE code_hash = $1 RETURNING CASE WHEN expires_at > $2 THEN member_id END",
    )
    .bind(digest(code))
    .bind(ms(now))
    .fetch_optional(&mut *t.tx)
    .await
    .map_err(db_err)?
    .flatten();
    Ok(id.map(MemberId))
}

pub(super) async fn pending_put(
    t: &mut SqlTx,
    token: &str,
    link: (MemberId, MemberId, MemberId),
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> StoreResult<bool> {
    sqlx::query("DELETE FROM link_pending WHERE expires_at <= $1")
        .bind(ms(now))
        .execute(&mut *t.tx)
        .await
        .map_err(db_err)?;
    let (into, from, confirmer) = link;
    let done = sqlx::query(
        "INSERT INTO link_pending (token_hash, into_id, from_id, confirmer, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT(token_hash) DO NOTHING",
    )
    .bind(digest(token))
    .bind(into.0)
    .bind(from.0)
    .bind(confirmer.0)
    .bind(ms(expires))
    .execute(&mut *t.tx)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn pending_take(
    t: &mut SqlTx,
    token: &str,
    confirmer: MemberId,
    now: DateTime<Utc>,
) -> StoreResult<Option<(MemberId, MemberId)>> {
    // Only the confirming member's accounts can use (and so use up) a token.
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "DELETE FROM link_pending WHERE token_hash = $1 AND confirmer = $2 RETURNING into_id, from_id, expires_at",
    )
    .bind(digest(token))
    .bind(confirmer.0)
    .fetch_optional(&mut *t.tx)
    .await
    .map_err(db_err)?;
    Ok(row
        .filter(|r| r.2 > ms(now))
        .map(|(i, f, _)| (MemberId(i), MemberId(f))))
}
