//! The domain transaction: `BEGIN IMMEDIATE` (SQLite) or `BEGIN` + the writers' advisory lock
//! (PostgreSQL, `pg::BEGIN`), so two processes on one database serialize
//! instead of failing to upgrade a read lock. Reads are cached and writes buffered for the
//! transaction's life (see `cache`), so a group of events costs a handful of round trips
//! to SQLite's worker thread instead of a dozen per event (ARCHITECTURE.md).
//!
//! One file per aggregate implements its port trait; this one holds the transaction's
//! life and the group prefetch.

mod attempts;
mod cache;
mod feedback;
mod flush;
mod jobs;
mod link;
mod members;
mod meta;
mod outbox;
mod registrations;
mod salon_admin;
mod salons;
mod spec;
mod subscribers;
mod threads;
mod tickets;
mod web;

use super::{Db, BEGIN, PAIRS};
use crate::error::db_err;
use crate::gate::{GatePass, WriteGate};
use crate::rows::{ms, platform, AccountMemberRow, MemberRow};
use crate::wal_sync::WalSync;
use cache::Cache;
use chrono::{DateTime, Utc};
pub(crate) use flush::Batch;
use sqlx::pool::PoolConnection;
use sqlx::Executor;
use sqlx::{Database, FromRow, Pool, Row, TransactionManager};
use std::sync::{Arc, LazyLock, Mutex};
use yunqi_bot::ids::{Platform, UserRef};
use yunqi_bot::ports::{Durable, StoreResult, Tx};

/// Holds its pooled connection and drives `BEGIN`/`COMMIT`/`ROLLBACK` itself (through
/// sqlx's transaction manager, so sqlx's depth count stays right) instead of through
/// `sqlx::Transaction`, which on a failed COMMIT drops the connection back to the pool
/// and only queues a ROLLBACK: after SQLITE_FULL SQLite may have rolled back already, that
/// ROLLBACK fails, the depth stays 1, and every later `BEGIN IMMEDIATE` on the connection
/// failed ("begin_with at non-zero transaction depth").
pub struct SqlTx {
    /// Taken out in `drop`: back to `kept` after a clean COMMIT or ROLLBACK, else to the
    /// pool (which rolls back or closes it).
    pub(crate) tx: Conn,
    kept: Kept,
    /// This process's write queue, held until COMMIT or ROLLBACK (`gate.rs`); declared
    /// after `tx`, so a dropped transaction queues its ROLLBACK before the next writer.
    _pass: GatePass,
    /// Begun and not yet committed or rolled back.
    open: bool,
    /// Committed or rolled back cleanly: the connection may be kept for the next one.
    reuse: bool,
    c: Cache,
}

/// The writer's connection between its transactions. Returned to the pool after every
/// transaction, each group began on another of the pool's connections, and SQLite empties
/// a connection's page cache when it begins after another connection's commit: every
/// group read its b-tree pages again. The pool's return also pinged the connection (a
/// round trip to its worker thread). Kept here, the next group finds its cache warm.
/// Off (`None`) where keeping one would starve the pool (a one-connection in-memory
/// database) or where each transaction must pass the pool's `before_acquire` (the
/// full-disk tests' page limit).
///
/// With a `WalSync` (a SQLite file), the writer's connections commit without syncing
/// (`RELAXED`) and the sync thread makes their commits durable; such a connection is kept
/// or closed, never handed back to the pool, whose other users rely on FULL.
#[derive(Clone)]
pub(crate) struct Kept(Option<Arc<Slot>>);

pub(crate) struct Slot {
    conn: Mutex<Option<PoolConnection<Db>>>,
    sync: Option<WalSync>,
    /// The CPU the writer's thread and its connection's thread share (`affinity.rs`).
    cpu: std::sync::OnceLock<usize>,
}

/// The writer's connections: a COMMIT writes the WAL without syncing it (`wal_sync.rs`).
const RELAXED: &str = "PRAGMA synchronous = NORMAL";

impl Kept {
    pub(crate) fn new(pool: &Pool<Db>, sync: Option<WalSync>) -> Kept {
        let room = pool.options().get_max_connections() > 1;
        Kept(room.then(|| {
            Arc::new(Slot {
                conn: Mutex::default(),
                sync,
                cpu: std::sync::OnceLock::new(),
            })
        }))
    }

    /// The sync thread, if the writer's connections commit without syncing.
    pub(crate) fn sync(&self) -> Option<&WalSync> {
        self.0.as_ref()?.sync.as_ref()
    }

    /// A relaxed connection leaving the writer is closed, not pooled.
    fn retire(&self, conn: &mut PoolConnection<Db>) {
        if self.sync().is_some() {
            conn.close_on_drop();
        }
    }

    /// Keeps the writer's thread and each connection it takes on `cpu`, from then on.
    /// Only where the writer's commits sync off its path (a SQLite file): `false` else,
    /// or if a CPU was set already.
    pub(crate) fn set_cpu(&self, cpu: usize) -> bool {
        match &self.0 {
            Some(slot) if slot.sync.is_some() => slot.cpu.set(cpu).is_ok(),
            _ => false,
        }
    }

    pub(crate) fn cpu(&self) -> Option<usize> {
        self.0.as_ref()?.cpu.get().copied()
    }

    pub(crate) fn off() -> Kept {
        Kept(None)
    }

    pub(crate) fn take(&self) -> Option<PoolConnection<Db>> {
        let slot = self.0.as_ref()?;
        slot.conn.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub(crate) fn put(&self, conn: PoolConnection<Db>) {
        if let Some(slot) = &self.0 {
            let old = slot
                .conn
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .replace(conn);
            if let Some(mut old) = old {
                self.retire(&mut old);
            }
        }
    }

    /// Back to the pool, or closed if relaxed (before the pool closes).
    pub(crate) fn release(&self) {
        if let Some(mut conn) = self.take() {
            self.retire(&mut conn);
        }
    }

    #[cfg(test)]
    #[allow(dead_code)] // SQLite's unit test only; this file is compiled for PostgreSQL too
    pub(crate) fn holds_one(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|slot| slot.conn.lock().unwrap().is_some())
    }
}

/// The transaction's pooled connection; derefs to the backend's connection. Empty only
/// once `SqlTx::drop` has taken it. Dropped still holding one (a `begin` that failed, or
/// whose future was dropped while its `BEGIN IMMEDIATE` waited for SQLite's lock, which
/// sqlx then rolls back), it closes the connection: relaxed, it must not reach the pool.
pub(crate) struct Conn(Option<PoolConnection<Db>>);

const TAKEN: &str = "the connection is taken only when the transaction is dropped";

impl std::ops::Deref for Conn {
    type Target = <Db as Database>::Connection;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect(TAKEN)
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_mut().expect(TAKEN)
    }
}

impl Conn {
    fn close_on_drop(&mut self) {
        if let Some(c) = &mut self.0 {
            c.close_on_drop();
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.close_on_drop();
    }
}

/// The backend's transaction manager: `BEGIN`/`COMMIT`/`ROLLBACK` and the depth count.
type TxManager = <Db as Database>::TransactionManager;

/// Tables whose ids the transaction hands out itself (rows are inserted at flush).
#[derive(Clone, Copy)]
enum IdTable {
    Members,
    Registrations,
}

impl IdTable {
    fn next_sql(self) -> &'static str {
        match self {
            IdTable::Members => "SELECT COALESCE(MAX(id), 0) + 1 FROM members",
            IdTable::Registrations => "SELECT COALESCE(MAX(id), 0) + 1 FROM registrations",
        }
    }
}

impl Cache {
    fn next_slot(&mut self, table: IdTable) -> &mut Option<i64> {
        match table {
            IdTable::Members => &mut self.next_member,
            IdTable::Registrations => &mut self.next_registration,
        }
    }
}

impl SqlTx {
    /// `BEGIN IMMEDIATE` on a pooled connection. The pool never hands out a connection
    /// still inside a transaction (`pool::connect`); one that cannot begin is closed, and a
    /// stale transaction state is retried once on a fresh connection.
    pub(crate) async fn begin(
        pool: &Pool<Db>,
        gate: &WriteGate,
        kept: &Kept,
    ) -> StoreResult<SqlTx> {
        let pass = gate.enter().await;
        let mut attempts = 0;
        loop {
            let (conn, reused) = match kept.take() {
                Some(conn) => (conn, true),
                None => (pool.acquire().await.map_err(db_err)?, false),
            };
            // Closed unless the BEGIN succeeds, also if this future is dropped meanwhile.
            let mut conn = Conn(Some(conn));
            if !reused {
                attempts += 1;
                if kept.sync().is_some() {
                    (&mut *conn).execute(RELAXED).await.map_err(db_err)?;
                    if let Some(cpu) = kept.cpu() {
                        super::pin_worker(&mut conn, cpu).await;
                    }
                }
            }
            let begun = TxManager::begin(&mut conn, Some(BEGIN.into())).await;
            match begun {
                Ok(()) => {
                    return Ok(SqlTx {
                        tx: conn,
                        kept: kept.clone(),
                        _pass: pass,
                        open: true,
                        reuse: false,
                        c: Cache::default(),
                    })
                }
                Err(e) => {
                    let stale = matches!(
                        e,
                        sqlx::Error::InvalidSavePointStatement | sqlx::Error::BeginFailed
                    );
                    drop(conn);
                    // A kept connection has not passed the pool's checks since its last
                    // use (a PostgreSQL server may have dropped it): always try a pooled one.
                    if reused {
                        continue;
                    }
                    if !stale || attempts > 1 {
                        return Err(db_err(e));
                    }
                }
            }
        }
    }

    /// After a failed flush, COMMIT or ROLLBACK: roll back, and unless that leaves the
    /// connection outside any transaction, close it instead of pooling it. Only on failure:
    /// the success path costs nothing extra.
    async fn abandon(&mut self) {
        self.open = false;
        let rolled_back = TxManager::rollback(&mut self.tx).await.is_ok();
        if !rolled_back || TxManager::get_transaction_depth(&self.tx) != 0 {
            self.tx.close_on_drop();
        }
    }

    async fn next_id(&mut self, table: IdTable) -> StoreResult<i64> {
        let id = match *self.c.next_slot(table) {
            Some(id) => id,
            None => sqlx::query_scalar(table.next_sql())
                .fetch_one(&mut *self.tx)
                .await
                .map_err(db_err)?,
        };
        *self.c.next_slot(table) = Some(id + 1);
        Ok(id)
    }

    /// Forget everything cached (after a write the cache cannot follow, like a merge).
    async fn reset(&mut self) -> StoreResult<()> {
        self.flush().await?;
        self.c = Cache::default();
        Ok(())
    }

    /// Accounts with their members and dialogues for users not cached yet, and which
    /// events were seen: each query over its pairs as one parameter (`rows_arg`), all in
    /// one round trip on SQLite, which also reads the ids the group will hand out
    /// (PostgreSQL reads them when first needed: there each is a round trip of its own).
    async fn prefetch_all(
        &mut self,
        users: &[&UserRef],
        events: &[(Platform, String)],
    ) -> StoreResult<()> {
        enum Set {
            Accounts,
            Dialogues,
            Events,
            Next(IdTable),
        }
        let conn = &mut self.tx;
        let mut b = Batch::new();
        let mut sets = Vec::new();
        if !users.is_empty() {
            let pairs: Vec<_> = users
                .iter()
                .map(|u| (u.platform.as_str(), u.id.as_str()))
                .collect();
            b.bind_rows(&pairs)?.query(conn, &PREFETCH.accounts).await?;
            b.bind_rows(&pairs)?
                .query(conn, &PREFETCH.dialogues)
                .await?;
            sets.extend([Set::Accounts, Set::Dialogues]);
        }
        if !events.is_empty() {
            let pairs: Vec<_> = events.iter().map(|(p, id)| (p.as_str(), id)).collect();
            b.bind_rows(&pairs)?.query(conn, &PREFETCH.events).await?;
            sets.push(Set::Events);
        }
        if b.one_trip() {
            for (table, known) in [
                (IdTable::Members, self.c.next_member),
                (IdTable::Registrations, self.c.next_registration),
            ] {
                if known.is_none() {
                    b.query(conn, table.next_sql()).await?;
                    sets.push(Set::Next(table));
                }
            }
        }
        let fetched = b.fetch(conn).await?;
        // A set short would read as "not found" for every user after it.
        if fetched.len() != sets.len() {
            return Err(crate::error::backend_in(
                "prefetch",
                format!("{} result sets for {} queries", fetched.len(), sets.len()),
            ));
        }
        for u in users {
            self.c.accounts.insert((*u).clone(), None);
            self.c.dialogues.entry((*u).clone()).or_insert(None);
        }
        for (p, id) in events {
            self.c.looked_up.insert((*p, id.clone()));
        }
        for (set, rows) in sets.iter().zip(fetched) {
            for row in &rows {
                match set {
                    Set::Accounts => {
                        let (u, m) = AccountMemberRow::from_row(row)
                            .map_err(db_err)?
                            .into_parts()?;
                        self.c.accounts.insert(u, Some(m.id));
                        self.c.members.insert(m.id, m);
                    }
                    Set::Dialogues => {
                        let (p, uid, state): (String, String, String) =
                            FromRow::from_row(row).map_err(db_err)?;
                        let d = members::dialogue(&state)?;
                        self.c
                            .dialogues
                            .insert(crate::rows::user(&p, uid)?, Some(d));
                    }
                    Set::Events => {
                        let (p, id): (String, String) = FromRow::from_row(row).map_err(db_err)?;
                        self.c.seen.insert((platform(&p)?, id));
                    }
                    Set::Next(table) => {
                        *self.c.next_slot(*table) = Some(row.try_get(0).map_err(db_err)?);
                    }
                }
            }
        }
        Ok(())
    }
}

/// The prefetch's queries, written once (`PAIRS` is the backend's).
struct Prefetch {
    accounts: String,
    dialogues: String,
    events: String,
}

static PREFETCH: LazyLock<Prefetch> = LazyLock::new(|| Prefetch {
    accounts: format!(
        "SELECT {}, {} FROM accounts a JOIN members m ON m.id = a.member_id \
         WHERE (a.platform, a.user_id) IN ({PAIRS})",
        MemberRow::COLS,
        AccountMemberRow::COLS
    ),
    dialogues: format!(
        "SELECT platform, user_id, state FROM dialogues \
         WHERE (platform, user_id) IN ({PAIRS})"
    ),
    events: format!(
        "SELECT platform, event_id FROM inbound_events \
         WHERE (platform, event_id) IN ({PAIRS})"
    ),
});

impl Drop for SqlTx {
    /// Dropped mid-transaction (an error returned early): queue the ROLLBACK, which runs
    /// before the pool's release check; if it fails the depth stays non-zero and the pool
    /// closes the connection instead of handing it out (`pool::connect`).
    fn drop(&mut self) {
        let Some(mut conn) = self.tx.0.take() else {
            return;
        };
        if self.open {
            TxManager::start_rollback(&mut conn);
        } else if self.reuse && TxManager::get_transaction_depth(&conn) == 0 {
            self.kept.put(conn);
            return;
        }
        self.kept.retire(&mut conn);
    }
}

impl Tx for SqlTx {
    async fn commit(self) -> StoreResult<()> {
        self.commit_unsynced().await?.await
    }

    async fn commit_unsynced(mut self) -> StoreResult<Durable> {
        let rows = self.c.w.outbox.len();
        let done = match self.flush().await {
            Ok(()) => TxManager::commit(&mut self.tx).await.map_err(db_err),
            Err(e) => Err(e),
        };
        match done {
            Ok(()) => {
                self.open = false;
                self.reuse = true;
            }
            Err(_) => self.abandon().await,
        }
        if done.is_ok() && rows >= crate::trim::LARGE {
            // The buffers go first, so the trim can hand their memory back too.
            self.c = Default::default();
            crate::trim::after_commit();
        }
        done?;
        Ok(match self.kept.sync() {
            Some(sync) => sync.committed(),
            None => Box::pin(std::future::ready(Ok(()))),
        })
    }

    async fn rollback(mut self) -> StoreResult<()> {
        match TxManager::rollback(&mut self.tx).await {
            Ok(()) => {
                self.open = false;
                self.reuse = true;
                Ok(())
            }
            Err(e) => {
                self.abandon().await;
                Err(db_err(e))
            }
        }
    }

    async fn prefetch(
        &mut self,
        users: &[UserRef],
        events: &[(Platform, String)],
    ) -> StoreResult<()> {
        let users: Vec<&UserRef> = users
            .iter()
            .filter(|u| !self.c.accounts.contains_key(*u))
            .collect();
        self.prefetch_all(&users, events).await
    }

    async fn first_sighting(
        &mut self,
        platform: Platform,
        event_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let key = (platform, event_id.to_string());
        if self.c.seen.contains(&key) {
            return Ok(false);
        }
        if !self.c.looked_up.contains(&key) {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(1 AS BIGINT) FROM inbound_events WHERE platform = $1 AND event_id = $2",
            )
            .bind(platform.as_str())
            .bind(event_id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
            if found.is_some() {
                self.c.seen.insert(key);
                return Ok(false);
            }
        }
        self.c.w.seen.push((platform, event_id.to_string(), ms(at)));
        self.c.seen.insert(key);
        Ok(true)
    }
}
