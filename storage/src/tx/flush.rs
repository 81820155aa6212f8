//! Sends buffered writes in dependency order (members before accounts before
//! registrations before decisions): each table's rows as one parameter (`rows_arg`) to one
//! statement of fixed text (`FLUSH_*` per backend), all of them in one round trip on
//! SQLite (`Batch`).

use super::super::{
    FLUSH_ACCOUNTS, FLUSH_DECISIONS, FLUSH_DIALOGUES, FLUSH_DIALOGUES_GONE, FLUSH_MEMBERS,
    FLUSH_REGISTRATIONS, FLUSH_SEEN, FLUSH_TICKETS,
};
use super::members::dialogue_json;
use super::Db;
use super::SqlTx;
use crate::error::db_err;
use crate::rows::{ms, tags_text};
use futures::TryStreamExt;
use serde::Serialize;
use sqlx::{Arguments, Database};
use yunqi_bot::ports::StoreResult;

type Args = <Db as Database>::Arguments<'static>;

/// Statements sent together. On SQLite one text, in one round trip to the connection's
/// worker thread: each `?` takes the next argument, statement after statement, and a
/// failing statement stops the rest. Each statement sent on its own cost a hand-off to
/// that thread and back, on the writer's path. PostgreSQL's extended protocol takes one
/// statement at a time: there each is sent as it comes.
pub(crate) struct Batch {
    one_trip: bool,
    sql: String,
    args: Args,
    /// Rows of the queries sent so far (PostgreSQL: each as it comes).
    fetched: Vec<Vec<DbRow>>,
}

type DbRow = <Db as Database>::Row;

impl Batch {
    pub(crate) fn new() -> Batch {
        Batch {
            one_trip: super::super::BACKEND == crate::Backend::Sqlite,
            sql: String::new(),
            args: Args::default(),
            fetched: Vec::new(),
        }
    }

    /// Statements go together (SQLite), not one by one.
    pub(crate) fn one_trip(&self) -> bool {
        self.one_trip
    }

    /// The next argument of the statement being written.
    pub(crate) fn bind<T>(&mut self, v: T) -> StoreResult<&mut Batch>
    where
        T: sqlx::Encode<'static, Db> + sqlx::Type<Db> + 'static,
    {
        self.args
            .add(v)
            .map_err(|e| crate::error::backend_in("bind", e))?;
        Ok(self)
    }

    /// `rows` (tuples) as one argument, in the backend's form (`rows_arg`: a packed BLOB
    /// on SQLite, JSON on PostgreSQL).
    pub(crate) fn bind_rows(&mut self, rows: &impl Serialize) -> StoreResult<&mut Batch> {
        self.bind(super::super::rows_arg(rows)?)
    }

    /// `sql` over `rows` as its one parameter; nothing when there are none.
    pub(crate) async fn rows<T: Serialize>(
        &mut self,
        conn: &mut super::Conn,
        sql: &str,
        rows: impl IntoIterator<Item = T>,
    ) -> StoreResult<()> {
        let rows: Vec<T> = rows.into_iter().collect();
        if rows.is_empty() {
            return Ok(());
        }
        self.bind_rows(&rows)?.end(conn, sql).await
    }

    /// The statement whose arguments were just bound (its placeholders in binding order).
    pub(crate) async fn end(&mut self, conn: &mut super::Conn, sql: &str) -> StoreResult<()> {
        if self.one_trip {
            self.sql.push_str(sql);
            self.sql.push_str(";\n");
            return Ok(());
        }
        let args = std::mem::take(&mut self.args);
        sqlx::query_with(sql, args)
            .execute(&mut **conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// A query whose arguments were just bound; its rows come from `fetch`, in order.
    pub(crate) async fn query(&mut self, conn: &mut super::Conn, sql: &str) -> StoreResult<()> {
        if self.one_trip {
            return self.end(conn, sql).await;
        }
        let args = std::mem::take(&mut self.args);
        let rows = sqlx::query_with(sql, args)
            .fetch_all(&mut **conn)
            .await
            .map_err(db_err)?;
        self.fetched.push(rows);
        Ok(())
    }

    /// Each query's rows, in the order they were written. For a batch of queries only
    /// (`query`): on SQLite every statement's end closes a set, on PostgreSQL only a
    /// query makes one.
    pub(crate) async fn fetch(mut self, conn: &mut super::Conn) -> StoreResult<Vec<Vec<DbRow>>> {
        if self.sql.is_empty() {
            return Ok(self.fetched);
        }
        let q = sqlx::query_with(&self.sql, std::mem::take(&mut self.args));
        let mut steps = sqlx::Executor::fetch_many(&mut **conn, q);
        let mut rows = Vec::new();
        // Each statement's rows, then its result.
        while let Some(step) = steps.try_next().await.map_err(db_err)? {
            match step {
                sqlx::Either::Right(row) => rows.push(row),
                sqlx::Either::Left(_) => self.fetched.push(std::mem::take(&mut rows)),
            }
        }
        Ok(self.fetched)
    }

    /// Sends what is held, before a statement that cannot join the text.
    pub(crate) async fn send(&mut self, conn: &mut super::Conn) -> StoreResult<()> {
        if self.sql.is_empty() {
            return Ok(());
        }
        let sql = std::mem::take(&mut self.sql);
        let args = std::mem::take(&mut self.args);
        sqlx::query_with(&sql, args)
            .execute(&mut **conn)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

impl SqlTx {
    pub(crate) async fn flush(&mut self) -> StoreResult<()> {
        if self.c.w.is_empty() {
            return Ok(());
        }
        let w = std::mem::take(&mut self.c.w);
        let conn = &mut self.tx;
        let mut b = Batch::new();

        let members = w.members.iter().filter_map(|(id, at)| {
            let m = self.c.members.get(id)?;
            Some((
                m.id.0,
                m.name.as_ref().map(|v| v.as_str()),
                m.phone.as_ref().map(|v| v.as_str()),
                m.position.as_ref().map(|v| v.as_str()),
                m.years.map(|y| y.get() as i64),
                m.locale.as_str(),
                at,
                tags_text(&m.skills),
            ))
        });
        b.rows(conn, FLUSH_MEMBERS, members).await?;
        let accounts = w.accounts.iter();
        let accounts = accounts.map(|(u, m, at)| (u.platform.as_str(), u.id.as_str(), m.0, at));
        b.rows(conn, FLUSH_ACCOUNTS, accounts).await?;
        let regs = w.new_regs.values().map(|r| {
            (
                r.id.0,
                r.salon.0,
                r.member.0,
                r.account.platform.as_str(),
                r.account.id.as_str(),
                r.status.as_str(),
                ms(r.created_at),
                r.offered_until.map(ms),
                r.reason.as_deref(),
            )
        });
        b.rows(conn, FLUSH_REGISTRATIONS, regs).await?;

        // Status changes one by one, in id order: the seat-count trigger (and its CHECK)
        // sees each move. Rare (an organizer's decision), and of varying count: a
        // statement of their own, after what the batch holds.
        if !w.changed_regs.is_empty() {
            b.send(conn).await?;
            for r in w.changed_regs.values() {
                sqlx::query("UPDATE registrations SET status = $1, offered_until = $2, reason = $3 WHERE id = $4")
                    .bind(r.status.as_str())
                    .bind(r.offered_until.map(ms))
                    .bind(&r.reason)
                    .bind(r.id.0)
                    .execute(&mut **conn)
                    .await
                    .map_err(db_err)?;
            }
        }

        let decisions = w.decisions.iter().map(|d| {
            let (actor, reason) = (d.actor.as_str(), d.reason.as_deref());
            (d.registration.0, actor, d.action.as_str(), reason, ms(d.at))
        });
        b.rows(conn, FLUSH_DECISIONS, decisions).await?;
        // After registrations: a ticket refers to one. A duplicate code fails the group,
        // which then runs again event by event with new random codes.
        let tickets = w.tickets.iter().map(|(reg, code, at)| (reg.0, code, at));
        b.rows(conn, FLUSH_TICKETS, tickets).await?;
        let seen = w.seen.iter().map(|(p, id, at)| (p.as_str(), id, at));
        b.rows(conn, FLUSH_SEEN, seen).await?;

        let mut saved = Vec::new();
        let mut gone = Vec::new();
        for (u, (d, at)) in &w.dialogues {
            match d {
                Some(d) => saved.push((u.platform.as_str(), u.id.as_str(), dialogue_json(d)?, at)),
                None => gone.push((u.platform.as_str(), u.id.as_str())),
            }
        }
        b.rows(conn, FLUSH_DIALOGUES, saved).await?;
        b.rows(conn, FLUSH_DIALOGUES_GONE, gone).await?;

        if let Some(at) = w.outbox_at {
            super::super::outbox::push(conn, &mut b, &w.outbox, at).await?;
        }
        b.send(conn).await
    }
}
