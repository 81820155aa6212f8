//! The store outside domain transactions, shared by both backends (compiled once per
//! backend with its `Db`, see `sqlite.rs` and `pg/mod.rs`).

use super::tx::{Kept, SqlTx};
use super::{connect, wal_sync, Db, GATED, MIGRATOR};
use crate::error::{backend_in, db_err};
use crate::gate::{GatePass, WriteGate};
use crate::rows::ms;
use chrono::Utc;
use futures::future::BoxFuture;
use sqlx::{Database, Pool};
use yunqi_bot::ports::{Kv, StoreResult};

/// The database: a small pool; domain writes go through one writer transaction at a time.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) pool: Pool<Db>,
    /// Taken by every write transaction of the writer and the outbox lanes.
    pub(crate) gate: WriteGate,
    /// The writer's connection, kept between its transactions (`tx::Kept`).
    pub(crate) kept: Kept,
}

impl SqlStore {
    /// Opens the database at `url` and applies migrations (the backend's own set).
    pub async fn open(url: &str) -> StoreResult<SqlStore> {
        let pool = connect(url).await?;
        let gate = WriteGate::new(GATED);
        super::background(&pool, &gate);
        let store = SqlStore {
            kept: Kept::new(&pool, wal_sync(&pool)?),
            pool,
            gate,
        };
        store.migrate().await?;
        Ok(store)
    }

    #[allow(dead_code)] // only SQLite's `open_limited` opens its own pool
    pub(crate) fn from_pool(pool: Pool<Db>) -> SqlStore {
        let gate = WriteGate::new(GATED);
        super::background(&pool, &gate);
        SqlStore {
            pool,
            gate,
            // Its pool applies a page limit on each acquire (the full-disk tests).
            kept: Kept::off(),
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| backend_in("migrate", e))
    }

    pub async fn close(&self) {
        // The pool's close waits for every connection to come back, the kept one too.
        self.kept.release();
        self.pool.close().await;
        // sqlx's close can return while a connection its upkeep task was opening lands in
        // the closed pool: close again until none is left (bounded).
        for _ in 0..200 {
            if self.pool.size() == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            self.pool.close().await;
        }
        super::closed(&self.pool).await;
    }

    pub fn pool(&self) -> &Pool<Db> {
        &self.pool
    }

    /// Keeps the write chain on one CPU (`affinity.rs`): the writer's thread once it
    /// starts (`Store::writer_thread_started`) and the thread of each connection it takes.
    /// Call before `Core::start`. The CPU, if one was chosen (`affinity::chain_cpu`) and
    /// this is a SQLite file's writer not pinned already.
    pub fn pin_writer(&self) -> Option<usize> {
        crate::affinity::chain_cpu().filter(|&cpu| self.kept.set_cpu(cpu))
    }
}

/// A write of the outbox lanes or the leases: claims, settlements, the staged window.
/// On SQLite (gated) it runs on the writer's kept connection, so the writer's page cache
/// stays warm (another connection's commit empties it), and commits without a sync under
/// the gate; the sync is waited for after the gate (`Tx::commit`), so the writer does not
/// wait for a lane's `fdatasync`. On PostgreSQL it is a pooled transaction, without the
/// writers' advisory lock, as before.
pub(crate) enum LaneTx {
    Writer(Box<SqlTx>),
    Pooled(sqlx::Transaction<'static, Db>, GatePass),
}

impl SqlStore {
    pub(crate) async fn lane_begin(&self) -> StoreResult<LaneTx> {
        if GATED {
            let tx = SqlTx::begin(&self.pool, &self.gate, &self.kept).await?;
            return Ok(LaneTx::Writer(Box::new(tx)));
        }
        let pass = self.gate.enter().await;
        let tx = self.pool.begin().await.map_err(db_err)?;
        Ok(LaneTx::Pooled(tx, pass))
    }
}

impl LaneTx {
    /// Commits; returns once the commit is on disk, the gate already released.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            LaneTx::Writer(tx) => yunqi_bot::ports::Tx::commit(*tx).await,
            LaneTx::Pooled(tx, _pass) => tx.commit().await.map_err(db_err),
        }
    }
}

impl std::ops::Deref for LaneTx {
    type Target = <Db as Database>::Connection;
    fn deref(&self) -> &Self::Target {
        match self {
            LaneTx::Writer(tx) => &tx.tx,
            LaneTx::Pooled(tx, _) => tx,
        }
    }
}

impl std::ops::DerefMut for LaneTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            LaneTx::Writer(tx) => &mut tx.tx,
            LaneTx::Pooled(tx, _) => tx,
        }
    }
}

impl Kv for SqlStore {
    fn kv_get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move {
            sqlx::query_scalar("SELECT value FROM kv WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)
        })
    }

    fn kv_put<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO kv (key, value, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(ms(Utc::now()))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
            Ok(())
        })
    }
}
