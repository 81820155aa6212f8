//! Small named values the core keeps (the `meta` table).

use super::SqlTx;
use crate::error::db_err;
use yunqi_bot::ports::{MetaTx, StoreResult};

impl MetaTx for SqlTx {
    async fn meta_get(&mut self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)
    }

    async fn meta_put(&mut self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
