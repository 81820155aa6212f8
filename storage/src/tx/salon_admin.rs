//! Salons created and changed at runtime, their audit, chat-granted roles, and a member's
//! own registrations and applications.

use super::SqlTx;
use crate::error::{backend, db_err};
use crate::rows::{corrupt, ms, time, user, JobRow, RegRow, SalonRow};
use chrono::{DateTime, Utc};
use yunqi_bot::ids::{MemberId, SalonId, UserRef};
use yunqi_bot::job::Job;
use yunqi_bot::model::{NewSalon, Registration, Salon, SeatCounts};
use yunqi_bot::ports::{GrantedRole, SalonAdminTx, SalonAudit, SalonTx, StoreResult};

impl SalonAdminTx for SqlTx {
    async fn salon_create(&mut self, s: &NewSalon, key: Option<&str>) -> StoreResult<SalonId> {
        let id = self.salon_insert(s).await?;
        if let Some(k) = key {
            sqlx::query("UPDATE salons SET key = $1 WHERE id = $2")
                .bind(k)
                .bind(id.0)
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        Ok(id)
    }

    async fn salon_key_exists(&mut self, key: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM salons WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(n > 0)
    }

    async fn salon_save(&mut self, s: &Salon) -> StoreResult<()> {
        // The capacity is checked against the seat counts.
        self.flush_seats().await?;
        let i = &s.info;
        sqlx::query(
            "UPDATE salons SET title_zh = $1, title_en = $2, venue_zh = $3, venue_en = $4,
                agenda_zh = $5, agenda_en = $6, starts_at = $7, ends_at = $8, timezone = $9,
                capacity = $10, min_years = $11, auto_approve = $12, group_link = $13,
                groups = $14, status = $15, closes_at = $16, sequence = $17, reschedules = $18,
                settled = CASE WHEN $15 = 'cancelled' THEN 1 ELSE settled END
             WHERE id = $19",
        )
        .bind(&i.title.zh)
        .bind(&i.title.en)
        .bind(&i.venue.zh)
        .bind(&i.venue.en)
        .bind(&i.agenda.zh)
        .bind(&i.agenda.en)
        .bind(ms(i.starts_at))
        .bind(ms(i.ends_at))
        .bind(i.timezone.name())
        .bind(i.capacity as i64)
        .bind(i.min_years as i64)
        .bind(i64::from(i.auto_approve))
        .bind(&i.group_link)
        .bind(serde_json::to_string(&i.groups).map_err(backend)?)
        .bind(s.status.as_str())
        .bind(s.closes_at.map(ms))
        .bind(s.sequence as i64)
        .bind(s.reschedules as i64)
        .bind(s.id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        // Read again (with its counts) on the next `salon_get`.
        self.c.salons.remove(&s.id);
        Ok(())
    }

    async fn salons_all(&mut self) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {} FROM salons ORDER BY starts_at, id",
            SalonRow::COLS
        );
        let rows: Vec<SalonRow> = sqlx::query_as(&sql)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(SalonRow::into_salon).collect()
    }

    async fn salon_audit(&mut self, a: &SalonAudit) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO salon_audit (salon_id, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(a.salon.0)
        .bind(&a.actor)
        .bind(&a.action)
        .bind(&a.detail)
        .bind(ms(a.at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn salon_audit_of(&mut self, salon: SalonId) -> StoreResult<Vec<SalonAudit>> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT actor, action, detail, at FROM salon_audit WHERE salon_id = $1 ORDER BY id",
        )
        .bind(salon.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(actor, action, detail, at)| SalonAudit {
                salon,
                actor,
                action,
                detail,
                at: time(at),
            })
            .collect())
    }

    async fn registrations_of(&mut self, member: MemberId) -> StoreResult<Vec<Registration>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {} FROM registrations r JOIN salons s ON s.id = r.salon_id
             WHERE r.id IN (SELECT MAX(id) FROM registrations WHERE member_id = $1 GROUP BY salon_id)
             ORDER BY s.starts_at DESC, r.id DESC",
            RegRow::COLS
        );
        let rows: Vec<RegRow> = sqlx::query_as(&sql)
            .bind(member.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(RegRow::into_registration).collect()
    }

    async fn applications_of(&mut self, member: MemberId) -> StoreResult<Vec<Job>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {} FROM jobs j JOIN applications a ON a.job_id = j.id
             WHERE a.member_id = $1 ORDER BY a.created_at DESC, j.id DESC",
            JobRow::COLS
        );
        let rows: Vec<JobRow> = sqlx::query_as(&sql)
            .bind(member.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(JobRow::into_job).collect()
    }

    async fn role_granted(&mut self, user: &UserRef, role: GrantedRole) -> StoreResult<bool> {
        Ok(self
            .roles_granted(std::slice::from_ref(user))
            .await?
            .contains(&role))
    }

    async fn roles_granted(&mut self, users: &[UserRef]) -> StoreResult<Vec<GrantedRole>> {
        let mut out = Vec::new();
        for u in users {
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT role FROM roles WHERE platform = $1 AND user_id = $2 ORDER BY role",
            )
            .bind(u.platform.as_str())
            .bind(&u.id)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
            for r in rows {
                let role = GrantedRole::parse(&r).ok_or_else(|| corrupt(format!("role {r:?}")))?;
                if !out.contains(&role) {
                    out.push(role);
                }
            }
        }
        Ok(out)
    }

    async fn role_holders(&mut self, role: GrantedRole) -> StoreResult<Vec<UserRef>> {
        // Asked once per pending registration: one query per transaction.
        if let Some(h) = self.c.role_holders.get(role.as_str()) {
            return Ok(h.clone());
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT platform, user_id FROM roles WHERE role = $1 ORDER BY platform, user_id",
        )
        .bind(role.as_str())
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        let holders = rows
            .into_iter()
            .map(|(p, u)| user(&p, u))
            .collect::<StoreResult<Vec<_>>>()?;
        self.c.role_holders.insert(role.as_str(), holders.clone());
        Ok(holders)
    }

    async fn role_set(
        &mut self,
        user: &UserRef,
        role: GrantedRole,
        grant: bool,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let sql = if grant {
            "INSERT INTO roles (platform, user_id, role, granted_by, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM roles WHERE platform = $1 AND user_id = $2 AND role = $3 AND $4 = $4 AND $5 = $5"
        };
        let changed = sqlx::query(sql)
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(role.as_str())
            .bind(actor)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            > 0;
        self.c.role_holders.remove(role.as_str());
        if changed {
            sqlx::query(
                "INSERT INTO role_audit (platform, user_id, role, action, actor, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user.platform.as_str())
            .bind(&user.id)
            .bind(role.as_str())
            .bind(if grant { "grant" } else { "revoke" })
            .bind(actor)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        }
        Ok(changed)
    }
}
