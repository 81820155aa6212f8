//! One queue for this process's writes to a SQLite file. SQLite has one write lock per
//! file; an in-process writer finding it taken gets SQLITE_BUSY, and SQLite's busy
//! handler sleeps and polls (1, 2, 5, 10 … 100 ms) until it is free. Under load the
//! outbox lane's claims and settlements waited up to a second there while the writer
//! held the lock almost without pause, and the writer in turn slept behind them. Taken
//! first, this FIFO lock makes each wait for exactly the transaction ahead of it. The
//! busy handler stays, for other processes on the same file. PostgreSQL has row locks
//! and the writers' advisory lock instead: there the gate is open.

use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone, Default)]
pub(crate) struct WriteGate(Option<Arc<Mutex<()>>>);

/// Held for one write transaction; dropping it lets the next writer in.
pub(crate) type GatePass = Option<OwnedMutexGuard<()>>;

impl WriteGate {
    pub(crate) fn new(on: bool) -> WriteGate {
        WriteGate(on.then(|| Arc::new(Mutex::new(()))))
    }

    /// Waits for this process's writers ahead (none when the gate is open).
    pub(crate) async fn enter(&self) -> GatePass {
        match &self.0 {
            Some(m) => Some(m.clone().lock_owned().await),
            None => None,
        }
    }
}
