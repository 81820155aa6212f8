//! Sends buffered writes in dependency order (members before accounts before
//! registrations before decisions), a few multi-row statements of fixed shapes per table
//! (`crate::batch`).

use super::members::dialogue_json;
use super::Db;
use super::SqlTx;
use crate::error::db_err;
use crate::rows::{ms, tags_text};
use sqlx::QueryBuilder;
use yunqi_bot::ports::StoreResult;

impl SqlTx {
    pub(crate) async fn flush(&mut self) -> StoreResult<()> {
        if self.c.w.is_empty() {
            return Ok(());
        }
        let w = std::mem::take(&mut self.c.w);
        let conn = &mut *self.tx;

        let members: Vec<_> = w
            .members
            .iter()
            .filter_map(|(id, at)| self.c.members.get(id).map(|m| (m, *at)))
            .collect();
        for chunk in crate::batch::chunks(&members) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO members (id, name, phone, position, years, locale, created_at, skills) ",
            );
            q.push_values(chunk, |mut b, (m, at)| {
                b.push_bind(m.id.0)
                    .push_bind(m.name.as_ref().map(|v| v.as_str().to_string()))
                    .push_bind(m.phone.as_ref().map(|v| v.as_str().to_string()))
                    .push_bind(m.position.as_ref().map(|v| v.as_str().to_string()))
                    .push_bind(m.years.map(|y| y.get() as i64))
                    .push_bind(m.locale.as_str())
                    .push_bind(*at)
                    .push_bind(tags_text(&m.skills));
            });
            q.push(
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone, position = excluded.position,
                  years = excluded.years, locale = excluded.locale, skills = excluded.skills",
            );
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }

        for chunk in crate::batch::chunks(&w.accounts) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO accounts (platform, user_id, member_id, created_at) ",
            );
            q.push_values(chunk, |mut b, (u, m, at)| {
                b.push_bind(u.platform.as_str())
                    .push_bind(u.id.clone())
                    .push_bind(m.0)
                    .push_bind(*at);
            });
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }

        let regs: Vec<_> = w.new_regs.values().collect();
        for chunk in crate::batch::chunks(&regs) {
            let mut q = QueryBuilder::<Db>::new("INSERT INTO registrations (id, salon_id, member_id, platform, user_id, status, created_at, offered_until, reason) ");
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.id.0)
                    .push_bind(r.salon.0)
                    .push_bind(r.member.0)
                    .push_bind(r.account.platform.as_str())
                    .push_bind(r.account.id.clone())
                    .push_bind(r.status.as_str())
                    .push_bind(ms(r.created_at))
                    .push_bind(r.offered_until.map(ms))
                    .push_bind(r.reason.clone());
            });
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }
        // Status changes one by one: the seat-count trigger (and CHECK) sees each move.
        for r in w.changed_regs.values() {
            sqlx::query("UPDATE registrations SET status = $1, offered_until = $2, reason = $3 WHERE id = $4")
                .bind(r.status.as_str())
                .bind(r.offered_until.map(ms))
                .bind(&r.reason)
                .bind(r.id.0)
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
        }

        for chunk in crate::batch::chunks(&w.decisions) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO decisions (registration_id, actor, action, reason, at) ",
            );
            q.push_values(chunk, |mut b, d| {
                b.push_bind(d.registration.0)
                    .push_bind(d.actor.clone())
                    .push_bind(d.action.as_str())
                    .push_bind(d.reason.clone())
                    .push_bind(ms(d.at));
            });
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }

        // After registrations: a ticket refers to one. A duplicate code fails the group,
        // which then runs again event by event with new random codes.
        for chunk in crate::batch::chunks(&w.tickets) {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO tickets (registration_id, code, code_hash, issued_at) ",
            );
            q.push_values(chunk, |mut b, (reg, code, at)| {
                b.push_bind(reg.0)
                    .push_bind(code.clone())
                    .push_bind(super::tickets::code_hash(code))
                    .push_bind(*at);
            });
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }

        for chunk in crate::batch::chunks(&w.seen) {
            let mut q =
                QueryBuilder::<Db>::new("INSERT INTO inbound_events (platform, event_id, at) ");
            q.push_values(chunk, |mut b, (p, id, at)| {
                b.push_bind(p.as_str()).push_bind(id.clone()).push_bind(*at);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *conn).await.map_err(db_err)?;
        }

        for (u, (d, at)) in &w.dialogues {
            match d {
                Some(d) => {
                    let state = dialogue_json(d)?;
                    sqlx::query("INSERT INTO dialogues (platform, user_id, state, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (platform, user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at")
                        .bind(u.platform.as_str())
                        .bind(&u.id)
                        .bind(state)
                        .bind(*at)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_err)?;
                }
                None => {
                    sqlx::query("DELETE FROM dialogues WHERE platform = $1 AND user_id = $2")
                        .bind(u.platform.as_str())
                        .bind(&u.id)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_err)?;
                }
            }
        }

        if let Some(at) = w.outbox_at {
            super::super::outbox::push(&mut self.tx, &w.outbox, at).await?;
        }
        Ok(())
    }
}
