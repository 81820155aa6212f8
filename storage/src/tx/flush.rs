//! Sends buffered writes in dependency order (members before accounts before
//! registrations before decisions), a few multi-row statements of fixed shapes per table
//! (`crate::batch`).

use super::members::dialogue_json;
use super::Db;
use super::SqlTx;
use crate::error::db_err;
use crate::rows::{ms, tags_text};
use sqlx::QueryBuilder;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use yunqi_bot::ports::StoreResult;

/// `head VALUES (…), … tail` for `rows` rows of `cols` parameters, written once per shape
/// (`crate::batch` keeps the shapes few): `QueryBuilder` wrote the same text again for
/// every statement of every group, on the writer's path (5 % of its thread's time).
fn values_sql(head: &'static str, cols: usize, rows: usize, tail: &'static str) -> &'static str {
    type Shape = (&'static str, &'static str, usize);
    static SHAPES: LazyLock<Mutex<HashMap<Shape, &'static str>>> = LazyLock::new(Default::default);
    let mut shapes = SHAPES.lock().unwrap_or_else(|e| e.into_inner());
    shapes.entry((head, tail, rows)).or_insert_with(|| {
        let mut q = QueryBuilder::<Db>::new(head);
        q.push_values(0..rows, |mut b, _| {
            for _ in 0..cols {
                b.push_bind(0i64);
            }
        });
        q.push(tail);
        // Bounded: a handful of statements, at most 7 row counts each.
        Box::leak(q.into_sql().into_boxed_str())
    })
}

const MEMBERS: &str =
    "INSERT INTO members (id, name, phone, position, years, locale, created_at, skills) ";
const MEMBERS_UPSERT: &str = " ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone, position = excluded.position,
                  years = excluded.years, locale = excluded.locale, skills = excluded.skills";
const ACCOUNTS: &str = "INSERT INTO accounts (platform, user_id, member_id, created_at) ";
const REGISTRATIONS: &str = "INSERT INTO registrations (id, salon_id, member_id, platform, user_id, status, created_at, offered_until, reason) ";
const DECISIONS: &str = "INSERT INTO decisions (registration_id, actor, action, reason, at) ";
const TICKETS: &str = "INSERT INTO tickets (registration_id, code, code_hash, issued_at) ";
const SEEN: &str = "INSERT INTO inbound_events (platform, event_id, at) ";
const SEEN_TAIL: &str = " ON CONFLICT DO NOTHING";
const NO_TAIL: &str = "";

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
            let mut q = sqlx::query(values_sql(MEMBERS, 8, chunk.len(), MEMBERS_UPSERT));
            for (m, at) in chunk {
                q = q
                    .bind(m.id.0)
                    .bind(m.name.as_ref().map(|v| v.as_str().to_string()))
                    .bind(m.phone.as_ref().map(|v| v.as_str().to_string()))
                    .bind(m.position.as_ref().map(|v| v.as_str().to_string()))
                    .bind(m.years.map(|y| y.get() as i64))
                    .bind(m.locale.as_str())
                    .bind(*at)
                    .bind(tags_text(&m.skills));
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
        }

        for chunk in crate::batch::chunks(&w.accounts) {
            let mut q = sqlx::query(values_sql(ACCOUNTS, 4, chunk.len(), NO_TAIL));
            for (u, m, at) in chunk {
                q = q
                    .bind(u.platform.as_str())
                    .bind(u.id.clone())
                    .bind(m.0)
                    .bind(*at);
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
        }

        let regs: Vec<_> = w.new_regs.values().collect();
        for chunk in crate::batch::chunks(&regs) {
            let mut q = sqlx::query(values_sql(REGISTRATIONS, 9, chunk.len(), NO_TAIL));
            for r in chunk {
                q = q
                    .bind(r.id.0)
                    .bind(r.salon.0)
                    .bind(r.member.0)
                    .bind(r.account.platform.as_str())
                    .bind(r.account.id.clone())
                    .bind(r.status.as_str())
                    .bind(ms(r.created_at))
                    .bind(r.offered_until.map(ms))
                    .bind(r.reason.clone());
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
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
            let mut q = sqlx::query(values_sql(DECISIONS, 5, chunk.len(), NO_TAIL));
            for d in chunk {
                q = q
                    .bind(d.registration.0)
                    .bind(d.actor.clone())
                    .bind(d.action.as_str())
                    .bind(d.reason.clone())
                    .bind(ms(d.at));
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
        }

        // After registrations: a ticket refers to one. A duplicate code fails the group,
        // which then runs again event by event with new random codes.
        for chunk in crate::batch::chunks(&w.tickets) {
            let mut q = sqlx::query(values_sql(TICKETS, 4, chunk.len(), NO_TAIL));
            for (reg, code, at) in chunk {
                q = q
                    .bind(reg.0)
                    .bind(code.clone())
                    .bind(super::tickets::code_hash(code))
                    .bind(*at);
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
        }

        for chunk in crate::batch::chunks(&w.seen) {
            let mut q = sqlx::query(values_sql(SEEN, 3, chunk.len(), SEEN_TAIL));
            for (p, id, at) in chunk {
                q = q.bind(p.as_str()).bind(id.clone()).bind(*at);
            }
            q.execute(&mut *conn).await.map_err(db_err)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_is_written_once_with_one_placeholder_per_value() {
        let a = values_sql(ACCOUNTS, 4, 2, NO_TAIL);
        assert!(
            std::ptr::eq(a, values_sql(ACCOUNTS, 4, 2, NO_TAIL)),
            "cached"
        );
        let one = values_sql(ACCOUNTS, 4, 1, NO_TAIL);
        assert_ne!(a, one, "each row count its own text");
        // Numbered ($n, PostgreSQL) or not (?, SQLite): eight placeholders in two rows.
        let holders = a.matches(['?', '$']).count();
        assert_eq!(holders, 8, "{a}");
        assert_eq!(a.matches("), (").count(), 1, "{a}");
        assert!(a.starts_with(ACCOUNTS) && a.contains("VALUES"), "{a}");
        assert!(values_sql(SEEN, 3, 1, SEEN_TAIL).ends_with(SEEN_TAIL));
    }
}
