//! `yunqi copy`: an existing community's SQLite data into an empty PostgreSQL database,
//! every table the PostgreSQL schema has, ids preserved, sequences advanced past them, in
//! one PostgreSQL transaction (all or nothing).

use crate::error::{backend, db_err};
use crate::{PgStore, SqliteStore};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{Postgres, Row};
use std::collections::{BTreeMap, BTreeSet};
use yunqi_bot::ports::{StoreError, StoreResult};

/// Rows per INSERT statement.
const CHUNK: usize = 200;

/// Rows copied per table.
pub type Copied = BTreeMap<String, u64>;

/// A column's value as read from SQLite, bound as the PostgreSQL column's type.
enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Real,
    Bool,
    Text,
    Bytes,
}

fn kind(pg_type: &str) -> Kind {
    match pg_type {
        "bigint" | "integer" | "smallint" => Kind::Int,
        "double precision" | "real" | "numeric" => Kind::Real,
        "boolean" => Kind::Bool,
        "bytea" => Kind::Bytes,
        _ => Kind::Text,
    }
}

fn refused(what: String) -> StoreError {
    StoreError::Backend(what.into())
}

/// Copies everything; refuses a target that has any row in any table.
pub async fn copy(from: &SqliteStore, to: &PgStore) -> StoreResult<Copied> {
    let tables = target_tables(to).await?;
    let mut nonempty = Vec::new();
    for t in &tables {
        let any: bool = sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {t})"))
            .fetch_one(to.pool())
            .await
            .map_err(db_err)?;
        if any {
            nonempty.push(t.clone());
        }
    }
    if !nonempty.is_empty() {
        return Err(refused(format!(
            "the target database is not empty (rows in {}): copy only into a new database",
            nonempty.join(", ")
        )));
    }
    let mut copied = Copied::new();
    let mut tx = to.pool().begin().await.map_err(db_err)?;
    for t in &tables {
        let cols = columns(to, from, t).await?;
        if cols.is_empty() {
            continue;
        }
        let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
        let list = names.join(", ");
        let rows = sqlx::query(&format!("SELECT {list} FROM {t}"))
            .fetch_all(from.pool())
            .await
            .map_err(db_err)?;
        for chunk in rows.chunks(CHUNK) {
            let mut values = Vec::with_capacity(chunk.len() * cols.len());
            for r in chunk {
                for (i, (_, k)) in cols.iter().enumerate() {
                    values.push(read(r, i, *k)?);
                }
            }
            let mut sql = format!("INSERT INTO {t} ({list}) VALUES ");
            let mut n = 0;
            for (ri, _) in chunk.iter().enumerate() {
                sql.push_str(if ri == 0 { "(" } else { ", (" });
                for ci in 0..cols.len() {
                    n += 1;
                    sql.push_str(&format!("{}${n}", if ci == 0 { "" } else { ", " }));
                }
                sql.push(')');
            }
            let mut q: Query<'_, Postgres, PgArguments> = sqlx::query(&sql);
            for v in values {
                q = match v {
                    Value::Int(x) => q.bind(x),
                    Value::Real(x) => q.bind(x),
                    Value::Bool(x) => q.bind(x),
                    Value::Text(x) => q.bind(x),
                    Value::Bytes(x) => q.bind(x),
                };
            }
            q.execute(&mut *tx)
                .await
                .map_err(|e| refused(format!("copying {t}: {e}")))?;
        }
        copied.insert(t.clone(), rows.len() as u64);
        advance_sequences(&mut tx, t, &names).await?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(copied)
}

fn read(r: &sqlx::sqlite::SqliteRow, i: usize, k: Kind) -> StoreResult<Value> {
    Ok(match k {
        Kind::Int => Value::Int(r.try_get(i).map_err(db_err)?),
        Kind::Real => Value::Real(r.try_get(i).map_err(db_err)?),
        Kind::Bool => Value::Bool(
            r.try_get::<Option<i64>, _>(i)
                .map_err(db_err)?
                .map(|b| b != 0),
        ),
        Kind::Text => Value::Text(r.try_get(i).map_err(db_err)?),
        Kind::Bytes => Value::Bytes(r.try_get(i).map_err(db_err)?),
    })
}

/// The PostgreSQL schema's tables, each after the tables its foreign keys point to.
async fn target_tables(to: &PgStore) -> StoreResult<Vec<String>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::TEXT FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name NOT LIKE '\\_sqlx%' ORDER BY table_name",
    )
    .fetch_all(to.pool())
    .await
    .map_err(db_err)?;
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.conrelid::regclass::TEXT, c.confrelid::regclass::TEXT FROM pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(to.pool())
    .await
    .map_err(db_err)?;
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (child, parent) in &edges {
        if child != parent {
            deps.entry(child.as_str())
                .or_default()
                .insert(parent.as_str());
        }
    }
    let mut done: Vec<String> = Vec::new();
    let mut left: Vec<&String> = names.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|t| {
            let ready = deps
                .get(t.as_str())
                .is_none_or(|ps| ps.iter().all(|p| done.iter().any(|d| d == p)));
            if ready {
                done.push((*t).clone());
            }
            !ready
        });
        if left.len() == before {
            return Err(refused(format!("foreign keys form a cycle among {left:?}")));
        }
    }
    Ok(done)
}

/// The columns both databases have, with the PostgreSQL type's kind.
async fn columns(to: &PgStore, from: &SqliteStore, t: &str) -> StoreResult<Vec<(String, Kind)>> {
    let pg: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::TEXT, data_type::TEXT FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(t)
    .fetch_all(to.pool())
    .await
    .map_err(db_err)?;
    let lite: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
        .bind(t)
        .fetch_all(from.pool())
        .await
        .map_err(db_err)?;
    if lite.is_empty() {
        return Ok(Vec::new());
    }
    Ok(pg
        .into_iter()
        .filter(|(c, _)| lite.contains(c))
        .map(|(c, ty)| {
            let k = kind(&ty);
            (c, k)
        })
        .collect())
}

/// Moves each serial/identity sequence of `t` past the largest copied id.
async fn advance_sequences(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    t: &str,
    cols: &[&str],
) -> StoreResult<()> {
    for c in cols {
        let seq: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
            .bind(t)
            .bind(c)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
        if let Some(seq) = seq {
            sqlx::query(&format!(
                "SELECT setval($1, COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)"
            ))
            .bind(seq)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        }
    }
    Ok(())
}
