//! `--floor`: what SQLite alone needs to store what the run just committed. The rows yunqi
//! wrote (every table the registrations touched) are copied into a fresh database with the
//! same schema and the same durability (WAL, synchronous=FULL), in as many
//! `BEGIN IMMEDIATE … COMMIT` transactions as yunqi's writer used, each one
//! `INSERT … SELECT` per table: no Rust, no binding, no engine in the loop. Its rate is the
//! most any code could get from this schema, durability and disk; yunqi's share of it says
//! how much the rest costs.
//!
//! Rows of tables without a rowid are taken in their creation-time order (`at`,
//! `created_at`), ties in key order, which makes the floor if anything a little cheaper
//! than yunqi's interleaved order.

use anyhow::{Context, Result};
use sqlx::{Executor, Row, SqliteConnection};
use std::time::Instant;
use yunqi_storage::SqliteStore;

/// Seeded before the timed run or written once per run, not per registration.
const UNTIMED: [&str; 5] = ["salons", "meta", "kv", "leases", "_sqlx_migrations"];

pub struct Floor {
    pub seconds: f64,
    pub transactions: usize,
    pub rows: i64,
}

/// Copies `src`'s rows into a fresh file beside it in `groups` transactions, timed.
/// Without `sync` (synchronous=OFF) a commit does not wait for the disk: what the
/// flushes cost is the difference.
pub async fn run(src: &str, groups: usize, sync: bool) -> Result<Floor> {
    let dest = format!("{src}-floor");
    for suffix in ["", "-wal", "-shm", "-clean"] {
        let _ = std::fs::remove_file(format!("{dest}{suffix}"));
    }
    // Migrated, WAL, synchronous=FULL, foreign keys: as the store opens every file.
    let store = SqliteStore::open(&dest).await?;
    let mut conn = store.pool().acquire().await?;
    conn.execute("PRAGMA temp_store = MEMORY").await?;
    if !sync {
        conn.execute("PRAGMA synchronous = OFF").await?;
    }
    // Even transactions cut a child's rows apart from its parent's at some boundaries, so
    // references are not checked: a floor may only err on the cheap side.
    conn.execute("PRAGMA foreign_keys = OFF").await?;
    sqlx::query("ATTACH DATABASE ?1 AS src")
        .bind(src)
        .execute(&mut *conn)
        .await?;
    let tables: Vec<(String, String)> = sqlx::query(
        "SELECT name, sql FROM src.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let mut timed = Vec::new();
    let mut rows = 0;
    for (name, sql) in &tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM src.\"{name}\""))
            .fetch_one(&mut *conn)
            .await?;
        if n == 0 {
            continue;
        }
        if UNTIMED.contains(&name.as_str()) {
            if name != "_sqlx_migrations" {
                conn.execute(
                    format!("INSERT OR REPLACE INTO main.\"{name}\" SELECT * FROM src.\"{name}\"")
                        .as_str(),
                )
                .await
                .with_context(|| format!("seeding {name}"))?;
            }
            continue;
        }
        let order = if sql.contains("WITHOUT ROWID") {
            order_of(&mut conn, name).await?
        } else {
            "rowid".to_string()
        };
        // A numbered copy in memory, so each transaction takes a rowid range of it.
        conn.execute(
            format!(
                "CREATE TEMP TABLE \"f_{name}\" AS SELECT * FROM src.\"{name}\" ORDER BY {order}"
            )
            .as_str(),
        )
        .await?;
        timed.push((name.clone(), n));
        rows += n;
    }
    // The seats are counted again by the triggers as the registrations go in.
    conn.execute("UPDATE main.salons SET held = 0, pending = 0, waitlisted = 0")
        .await?;
    let groups = groups.max(1);
    let t0 = Instant::now();
    for g in 0..groups as i64 {
        conn.execute("BEGIN IMMEDIATE").await?;
        for (name, n) in &timed {
            let (lo, hi) = (g * n / groups as i64, (g + 1) * n / groups as i64);
            sqlx::query(&format!(
                "INSERT INTO main.\"{name}\" SELECT * FROM temp.\"f_{name}\" WHERE rowid > ?1 AND rowid <= ?2"
            ))
            .bind(lo)
            .bind(hi)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("copying {name}"))?;
        }
        conn.execute("COMMIT").await?;
    }
    let seconds = t0.elapsed().as_secs_f64();
    let copied: i64 = {
        let mut total = 0;
        for (name, _) in &timed {
            let c: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM main.\"{name}\""))
                .fetch_one(&mut *conn)
                .await?;
            total += c;
        }
        total
    };
    anyhow::ensure!(copied == rows, "copied {copied} of {rows} rows");
    let differ: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM main.salons m JOIN src.salons s USING (id)
         WHERE (m.held, m.pending, m.waitlisted) IS NOT (s.held, s.pending, s.waitlisted)",
    )
    .fetch_one(&mut *conn)
    .await?;
    anyhow::ensure!(differ == 0, "the copy's seat counts differ from the run's");
    conn.execute("DETACH DATABASE src").await?;
    drop(conn);
    store.close().await;
    for suffix in ["", "-wal", "-shm", "-clean"] {
        let _ = std::fs::remove_file(format!("{dest}{suffix}"));
    }
    Ok(Floor {
        seconds,
        transactions: groups,
        rows,
    })
}

/// Creation order for a table without a rowid: its time column, then its key.
async fn order_of(conn: &mut SqliteConnection, table: &str) -> Result<String> {
    let cols: Vec<(String, i64)> = sqlx::query(&format!(
        "SELECT name, pk FROM pragma_table_info('{table}', 'src')"
    ))
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let mut key: Vec<(i64, String)> = cols
        .iter()
        .filter(|(_, pk)| *pk > 0)
        .map(|(c, pk)| (*pk, format!("\"{c}\"")))
        .collect();
    key.sort();
    let mut order: Vec<String> = cols
        .iter()
        .filter(|(c, _)| c == "at" || c == "created_at")
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
    order.extend(key.into_iter().map(|(_, c)| c));
    Ok(order.join(", "))
}

/// The floors for a run of `n` registrations at `rate`/s in `groups` write transactions
/// with `concurrency` in flight, printed beside yunqi's rate: with yunqi's transactions
/// (FULL), with every in-flight request in each transaction (`n / concurrency`, the fewest
/// flushes any group commit could do; FULL), and the latter without flushes (OFF).
pub async fn report(
    src: &str,
    n: usize,
    rate: f64,
    groups: usize,
    concurrency: usize,
) -> Result<()> {
    let fewest = n.div_ceil(concurrency.max(1));
    for (groups, sync) in [(groups, true), (fewest, true), (fewest, false)] {
        let f = run(src, groups, sync).await?;
        let floor = n as f64 / f.seconds;
        println!(
            "SQLite floor        {floor:.0} registrations/s ({:.2} s: the same {} rows in {} transactions, INSERT … SELECT, WAL, synchronous={}): yunqi {:.2} of it",
            f.seconds,
            f.rows,
            f.transactions,
            if sync { "FULL" } else { "OFF" },
            rate / floor
        );
    }
    Ok(())
}
