//! `yunqi backup`: a consistent copy of the live database (`VACUUM INTO` reads one
//! snapshot, so writers keep going), owner-only, never over an existing file.

use crate::error::{backend_in, db_err};
use crate::SqliteStore;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use yunqi_bot::ports::StoreResult;

impl SqliteStore {
    /// Writes a consistent copy of the database to `to`, which must not exist yet.
    /// Returns the copy's size in bytes.
    pub async fn backup_to(&self, to: &Path) -> StoreResult<u64> {
        // `create_new`: an existing file (an older backup) is never overwritten. The copy
        // holds phone numbers, so it starts owner-only; VACUUM INTO accepts an empty file.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(to)
            .map_err(|e| backend_in(format!("create {}", to.display()), e))?;
        let written = self.vacuum_into(to).await;
        if written.is_err() {
            let _ = std::fs::remove_file(to);
        }
        written
    }

    async fn vacuum_into(&self, to: &Path) -> StoreResult<u64> {
        let target = to
            .to_str()
            .ok_or_else(|| backend_in("backup path", format!("{} is not UTF-8", to.display())))?;
        sqlx::query("VACUUM INTO ?1")
            .bind(target)
            .execute(self.pool())
            .await
            .map_err(db_err)?;
        let file =
            std::fs::File::open(to).map_err(|e| backend_in(format!("open {}", to.display()), e))?;
        // VACUUM INTO does not sync its output: a backup must survive a power cut.
        file.sync_all()
            .map_err(|e| backend_in(format!("sync {}", to.display()), e))?;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| backend_in(format!("chmod {}", to.display()), e))?;
        let len = file
            .metadata()
            .map_err(|e| backend_in(format!("stat {}", to.display()), e))?
            .len();
        check_copy(to).await?;
        Ok(len)
    }
}

/// Opens the copy read-only and runs `PRAGMA quick_check` on it: a backup that cannot be
/// restored is reported now, not on the day it is needed.
async fn check_copy(to: &Path) -> StoreResult<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new()
        .filename(to)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| backend_in(format!("open backup {}", to.display()), e))?;
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(5)")
        .fetch_all(&mut conn)
        .await
        .map_err(db_err)?;
    let _ = conn.close().await;
    if rows.len() == 1 && rows[0] == "ok" {
        return Ok(());
    }
    Err(backend_in(
        format!("backup {}", to.display()),
        format!("PRAGMA quick_check: {}", rows.join("; ")),
    ))
}
