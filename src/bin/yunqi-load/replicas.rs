//! `--pg <server url> --replicas N`: the same load against N `yunqi serve` processes on one
//! fresh PostgreSQL database, connections spread over them round robin (issue 16). The
//! database is created for the run and dropped after it.

use anyhow::{ensure, Context, Result};
use sqlx::Connection;

/// A database made for one run on the server `server` (a `postgres://` URL whose user
/// may create databases); dropped by `drop_db`.
pub struct FreshDb {
    server: String,
    name: String,
    pub url: String,
}

impl FreshDb {
    pub async fn create(server: &str) -> Result<FreshDb> {
        ensure!(
            server.starts_with("postgres://") || server.starts_with("postgresql://"),
            "--pg takes a postgres:// URL"
        );
        let name = format!("yunqi_load_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(server)
            .await
            .context("connecting to --pg")?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .context("creating the load database (the --pg user must be allowed to)")?;
        admin.close().await.ok();
        Ok(FreshDb {
            server: server.to_string(),
            url: with_database(server, &name),
            name,
        })
    }

    /// Approved registrations of the load's users (`UL…`) in salon 1.
    pub async fn approved(&self) -> Result<usize> {
        let mut c = sqlx::PgConnection::connect(&self.url).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE salon_id = 1 AND status = 'approved' AND user_id LIKE 'UL%'",
        )
        .fetch_one(&mut c)
        .await?;
        c.close().await.ok();
        Ok(n as usize)
    }

    pub async fn drop_db(self) {
        if let Ok(mut admin) = sqlx::PgConnection::connect(&self.server).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin)
            .await;
            admin.close().await.ok();
        }
    }
}

/// `url` with its database replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_is_swapped_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
