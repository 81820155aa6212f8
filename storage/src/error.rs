//! sqlx errors to `StoreError`, keeping the sqlx error as the source.

use sqlx::error::DatabaseError;
use yunqi_bot::ports::{BoxError, StoreError};

/// SQLite's primary result code for a broken constraint; every extended code
/// (CHECK 275, UNIQUE 2067, PRIMARYKEY 1555, NOTNULL 1299, FOREIGNKEY 787,
/// TRIGGER 1811 from `RAISE(ABORT, …)`, …) has it in its low byte.
const SQLITE_CONSTRAINT: i32 = 19;

/// SQLite's primary result code for "the database is locked".
pub(crate) const SQLITE_BUSY: i32 = 5;

/// SQLite's primary result code (the low byte of the extended one), if `d` has one.
pub(crate) fn sqlite_primary(d: &dyn DatabaseError) -> Option<i32> {
    d.code()
        .and_then(|c| c.parse::<i32>().ok())
        .map(|c| c & 0xff)
}

fn is_constraint(d: &dyn DatabaseError) -> bool {
    sqlite_primary(d) == Some(SQLITE_CONSTRAINT)
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if is_constraint(d.as_ref()) => StoreError::Constraint(e.into()),
        // A stored value that does not fit its row type.
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => StoreError::Corrupt(e.into()),
        _ => StoreError::Backend(e.into()),
    }
}

/// Anything else that fails on the way to SQLite (JSON encoding, the database's folder).
pub(crate) fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> StoreError {
    StoreError::Backend(e.into())
}

/// A cause with what was being done when it happened.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {source}")]
pub(crate) struct Context {
    what: String,
    #[source]
    source: BoxError,
}

pub(crate) fn backend_in(what: impl Into<String>, source: impl Into<BoxError>) -> StoreError {
    StoreError::Backend(Box::new(Context {
        what: what.into(),
        source: source.into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqlitePoolOptions;
    use std::error::Error as _;

    async fn failing(sql: &str) -> StoreError {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        sqlx::query(
            "CREATE TABLE t (n INTEGER CHECK (n >= 0), u TEXT UNIQUE);
             CREATE TABLE f (x INTEGER);
             CREATE TRIGGER f_never BEFORE DELETE ON f BEGIN SELECT RAISE(ABORT, 'never'); END;
             INSERT INTO t (n, u) VALUES (1, 'a'); INSERT INTO f VALUES (1);",
        )
        .execute(&pool)
        .await
        .expect("schema");
        let e = sqlx::query(sql)
            .execute(&pool)
            .await
            .expect_err("statement must fail");
        db_err(e)
    }

    fn sqlite_code(e: &StoreError) -> Option<String> {
        let source = e.source()?.downcast_ref::<sqlx::Error>()?;
        source
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned())
    }

    #[tokio::test]
    async fn a_check_violation_is_a_constraint_error_with_its_cause() {
        let e = failing("INSERT INTO t (n) VALUES (-1)").await;
        assert!(matches!(e, StoreError::Constraint(_)), "{e:?}");
        assert_eq!(sqlite_code(&e).as_deref(), Some("275"));
        assert!(e.to_string().contains("CHECK constraint failed"), "{e}");
    }

    #[tokio::test]
    async fn unique_and_trigger_violations_are_constraint_errors() {
        let e = failing("INSERT INTO t (n, u) VALUES (2, 'a')").await;
        assert!(matches!(e, StoreError::Constraint(_)), "{e:?}");
        assert_eq!(sqlite_code(&e).as_deref(), Some("2067"));
        let e = failing("DELETE FROM f").await;
        assert!(matches!(e, StoreError::Constraint(_)), "{e:?}");
        assert_eq!(sqlite_code(&e).as_deref(), Some("1811"));
    }

    #[tokio::test]
    async fn other_failures_are_backend_errors_with_their_cause() {
        let e = failing("SELECT * FROM missing").await;
        assert!(matches!(e, StoreError::Backend(_)), "{e:?}");
        assert_eq!(sqlite_code(&e).as_deref(), Some("1"));
    }
}
