//! The PostgreSQL texts of the lease and claim statements (`lease_sql`), on a schema this
//! test creates in `YUNQI_TEST_PG`'s database: until the PostgreSQL store runs them, this
//! is where they are proven.

use sqlx::{Connection, Executor, PgConnection};
use yunqi_storage::lease_sql as q;

async fn schema() -> Option<(PgConnection, String, String)> {
    let url = match std::env::var("YUNQI_TEST_PG") {
        Ok(u) if !u.is_empty() => u,
        _ if std::env::var_os("YUNQI_REQUIRE_PG").is_some() => {
            panic!("YUNQI_REQUIRE_PG is set but YUNQI_TEST_PG is not")
        }
        _ => {
            eprintln!("skipped: set YUNQI_TEST_PG=postgres://… to run the PostgreSQL claim tests");
            return None;
        }
    };
    let name = format!("pglease_{}_{}", std::process::id(), rand_suffix());
    let mut c = PgConnection::connect(&url)
        .await
        .expect("connect YUNQI_TEST_PG");
    c.execute(format!("CREATE SCHEMA {name}; SET search_path TO {name};").as_str())
        .await
        .unwrap();
    c.execute(
        "CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL, acquired_at BIGINT NOT NULL);
         CREATE TABLE outbox (id BIGSERIAL PRIMARY KEY, platform TEXT NOT NULL, recipient TEXT NOT NULL,
                              status TEXT NOT NULL DEFAULT 'pending', claimed_by TEXT, lease_until BIGINT);",
    )
    .await
    .unwrap();
    Some((c, url, name))
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_000)
        .unwrap_or(0)
}

async fn claim(c: &mut PgConnection, holder: &str, ids: &[i64], now: i64, until: i64) -> Vec<i64> {
    let mut tx = c.begin().await.unwrap();
    sqlx::query(q::CLAIM_LOCK_PG)
        .bind("slack")
        .execute(&mut *tx)
        .await
        .unwrap();
    let mut got: Vec<i64> = sqlx::query_scalar(q::CLAIM_PG)
        .bind("slack")
        .bind(holder)
        .bind(ids)
        .bind(now)
        .bind(until)
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    got.sort_unstable();
    got
}

#[tokio::test]
async fn postgres_runs_the_lease_and_claim_statements() {
    let Some((mut c, url, name)) = schema().await else {
        return;
    };
    // leases: the same text as on SQLite
    let acquire = |holder: &'static str, now: i64| {
        sqlx::query_scalar::<_, String>(q::ACQUIRE)
            .bind("leader")
            .bind(holder)
            .bind(now + 15_000)
            .bind(now)
    };
    assert_eq!(
        acquire("a", 0)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .as_deref(),
        Some("a")
    );
    assert_eq!(
        acquire("b", 1_000).fetch_optional(&mut c).await.unwrap(),
        None
    );
    assert_eq!(
        acquire("a", 10_000)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .as_deref(),
        Some("a")
    );
    assert_eq!(
        acquire("b", 24_999).fetch_optional(&mut c).await.unwrap(),
        None
    );
    assert_eq!(
        acquire("b", 25_000)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .as_deref(),
        Some("b")
    );
    let h: Option<(String, i64)> = sqlx::query_as(q::HOLDER)
        .bind("leader")
        .bind(30_000i64)
        .fetch_optional(&mut c)
        .await
        .unwrap();
    assert_eq!(h, Some(("b".into(), 40_000)));
    sqlx::query(q::RELEASE)
        .bind("leader")
        .bind("b")
        .execute(&mut c)
        .await
        .unwrap();
    assert_eq!(
        acquire("a", 30_000)
            .fetch_optional(&mut c)
            .await
            .unwrap()
            .as_deref(),
        Some("a")
    );

    // claims: x, x, y, z
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO outbox (platform, recipient) VALUES ('slack','x'),('slack','x'),('slack','y'),('slack','z') RETURNING id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    assert_eq!(claim(&mut c, "a", &ids[..1], 0, 15_000).await, ids[..1]);
    assert_eq!(claim(&mut c, "b", &ids, 0, 15_000).await, ids[2..]);
    assert_eq!(claim(&mut c, "a", &ids, 0, 15_000).await, ids[..2]);
    // a row locked by another transaction (being settled) is skipped, not waited for
    let mut other = PgConnection::connect(&url).await.unwrap();
    other
        .execute(format!("SET search_path TO {name}").as_str())
        .await
        .unwrap();
    let mut held = other.begin().await.unwrap();
    sqlx::query("SELECT id FROM outbox WHERE id = $1 FOR UPDATE")
        .bind(ids[3])
        .execute(&mut *held)
        .await
        .unwrap();
    let got = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        claim(&mut c, "b", &ids, 20_000, 35_000),
    )
    .await
    .expect("SKIP LOCKED: no wait");
    assert_eq!(
        got,
        ids[..3],
        "a's claims ran out; the locked row is skipped"
    );
    held.rollback().await.unwrap();
    // settling clears the claim
    sqlx::query(q::UNCLAIM_PG)
        .bind("b")
        .bind(&ids[..1])
        .execute(&mut c)
        .await
        .unwrap();
    let n = sqlx::query(q::RENEW_CLAIMS)
        .bind("slack")
        .bind("b")
        .bind(50_000i64)
        .execute(&mut c)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 3, "b's claims on x's second message, y and z");
    c.execute(format!("DROP SCHEMA {name} CASCADE").as_str())
        .await
        .unwrap();
}
