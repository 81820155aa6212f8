//! `--pg <server url> --replicas N`: the same load against N `yunqi serve` processes on one
//! fresh PostgreSQL database, connections spread over them round robin (issue 16). The
//! database is created for the run and dropped after it.

use anyhow::{ensure, Context, Result};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

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
        let url = PgConnectOptions::from_str(server)?
            .database(&name)
            .to_url_lossy()
            .to_string();
        Ok(FreshDb {
            server: server.to_string(),
            url,
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
