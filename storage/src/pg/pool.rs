//! Opening a PostgreSQL database: the pool, and the same stale-transaction check as
//! SQLite's (`crate::pool`).

use crate::error::{backend_in, db_err};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgTransactionManager};
use sqlx::{PgPool, TransactionManager};
use std::str::FromStr;
use std::time::Duration;
use yunqi_bot::ports::StoreResult;

pub(crate) async fn connect(url: &str) -> StoreResult<PgPool> {
    let opts = PgConnectOptions::from_str(url).map_err(db_err)?;
    PgPoolOptions::new()
        // One writer transaction at a time plus the dispatcher, pages and exports.
        .max_connections(8)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .before_acquire(|conn, _| {
            Box::pin(async move {
                // Never reuse a connection left inside a transaction.
                if PgTransactionManager::get_transaction_depth(conn) != 0 {
                    tracing::warn!("closing a pooled connection left inside a transaction");
                    return Ok(false);
                }
                Ok(true)
            })
        })
        .connect_with(opts)
        .await
        // The URL may carry a password: name only the backend.
        .map_err(|e| backend_in("opening the PostgreSQL database", e))
}
