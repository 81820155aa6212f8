//! The domain transaction: `BEGIN IMMEDIATE`, so two processes on one file serialize
//! instead of failing to upgrade a read lock.

use crate::convert::{member, ms, time, user, MemberCols, MEMBER_COLS};
use crate::db_err;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};
use yunqi_bot::dialogue::Dialogue;
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::{MemberId, Platform, RegistrationId, SalonId, UserRef};
use yunqi_bot::message::Outgoing;
use yunqi_bot::model::{Decision, Member, NewSalon, RegStatus, Registration, RegistrationRow, Salon, SeatCounts, Text2};
use yunqi_bot::ports::{StoreError, StoreResult, Tx};

pub struct SqliteTx {
    pub(crate) tx: Transaction<'static, Sqlite>,
}

const SALON_COLS: &str = "id, title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link, checkin_code, held, pending, waitlisted";

fn salon(row: SqliteRow) -> StoreResult<(Salon, SeatCounts)> {
    let g = |e: sqlx::Error| StoreError::Corrupt(format!("salon: {e}"));
    let text = |i: usize| -> StoreResult<String> { row.try_get::<String, _>(i).map_err(g) };
    let int = |i: usize| -> StoreResult<i64> { row.try_get::<i64, _>(i).map_err(g) };
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    let zone = text(9)?;
    let timezone = zone.parse::<chrono_tz::Tz>().map_err(|_| StoreError::Corrupt(format!("timezone {zone:?}")))?;
    Ok((
        Salon {
            id: SalonId(int(0)?),
            info: NewSalon {
                title: Text2 { zh: text(1)?, en: text(2)? },
                venue: Text2 { zh: text(3)?, en: text(4)? },
                agenda: Text2 { zh: text(5)?, en: text(6)? },
                starts_at: time(int(7)?),
                ends_at: time(int(8)?),
                timezone,
                capacity: n(int(10)?),
                min_years: n(int(11)?),
                auto_approve: int(12)? != 0,
                group_link: row.try_get(13).map_err(g)?,
            },
            checkin_code: row.try_get(14).map_err(g)?,
        },
        SeatCounts { held: n(int(15)?), pending: n(int(16)?), waitlisted: n(int(17)?) },
    ))
}

const REG_COLS: &str = "r.id, r.salon_id, r.member_id, r.platform, r.user_id, r.status, r.created_at, r.offered_until, r.reason";

type RegCols = (i64, i64, i64, String, String, String, i64, Option<i64>, Option<String>);

fn registration(c: RegCols) -> StoreResult<Registration> {
    let (id, salon, member, platform, user_id, status, created, offered, reason) = c;
    Ok(Registration {
        id: RegistrationId(id),
        salon: SalonId(salon),
        member: MemberId(member),
        account: user(&platform, user_id)?,
        status: RegStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        created_at: time(created),
        offered_until: offered.map(time),
        reason,
    })
}

impl Tx for SqliteTx {
    async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await.map_err(db_err)
    }

    async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await.map_err(db_err)
    }

    async fn first_sighting(&mut self, platform: Platform, event_id: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let r = sqlx::query("INSERT OR IGNORE INTO inbound_events (platform, event_id, at) VALUES (?1, ?2, ?3)")
            .bind(platform.as_str())
            .bind(event_id)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn member_for(&mut self, u: &UserRef, locale: Locale, at: DateTime<Utc>) -> StoreResult<(Member, bool)> {
        if let Some(m) = self.member_find(u).await? {
            return Ok((m, false));
        }
        let id: i64 = sqlx::query_scalar("INSERT INTO members (locale, created_at) VALUES (?1, ?2) RETURNING id")
            .bind(locale.as_str())
            .bind(ms(at))
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO accounts (platform, user_id, member_id, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(u.platform.as_str())
            .bind(&u.id)
            .bind(id)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok((Member::new(MemberId(id), locale), true))
    }

    async fn member_find(&mut self, u: &UserRef) -> StoreResult<Option<Member>> {
        let sql = format!("SELECT {MEMBER_COLS} FROM accounts a JOIN members m ON m.id = a.member_id WHERE a.platform = ?1 AND a.user_id = ?2");
        let row: Option<MemberCols> = sqlx::query_as(&sql)
            .bind(u.platform.as_str())
            .bind(&u.id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        row.map(member).transpose()
    }

    async fn member_get(&mut self, id: MemberId) -> StoreResult<Option<Member>> {
        let sql = format!("SELECT {MEMBER_COLS} FROM members m WHERE m.id = ?1");
        let row: Option<MemberCols> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&mut *self.tx).await.map_err(db_err)?;
        row.map(member).transpose()
    }

    async fn member_save(&mut self, m: &Member) -> StoreResult<()> {
        sqlx::query("UPDATE members SET name = ?1, phone = ?2, position = ?3, years = ?4, locale = ?5 WHERE id = ?6")
            .bind(m.name.as_ref().map(|v| v.as_str()))
            .bind(m.phone.as_ref().map(|v| v.as_str()))
            .bind(m.position.as_ref().map(|v| v.as_str()))
            .bind(m.years.map(|y| y.get() as i64))
            .bind(m.locale.as_str())
            .bind(m.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn member_accounts(&mut self, id: MemberId) -> StoreResult<Vec<UserRef>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT platform, user_id FROM accounts WHERE member_id = ?1 ORDER BY created_at")
            .bind(id.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(|(p, u)| user(&p, u)).collect()
    }

    async fn member_merge(&mut self, from: MemberId, into: MemberId) -> StoreResult<()> {
        for sql in [
            "UPDATE accounts SET member_id = ?2 WHERE member_id = ?1",
            "UPDATE registrations SET member_id = ?2 WHERE member_id = ?1",
            "UPDATE link_codes SET member_id = ?2 WHERE member_id = ?1",
            "DELETE FROM members WHERE id = ?1",
        ] {
            sqlx::query(sql).bind(from.0).bind(into.0).execute(&mut *self.tx).await.map_err(db_err)?;
        }
        Ok(())
    }

    async fn link_code_put(&mut self, code: &str, m: MemberId, expires: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("INSERT OR REPLACE INTO link_codes (code, member_id, expires_at) VALUES (?1, ?2, ?3)")
            .bind(code)
            .bind(m.0)
            .bind(ms(expires))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn link_code_take(&mut self, code: &str, now: DateTime<Utc>) -> StoreResult<Option<MemberId>> {
        let id: Option<i64> = sqlx::query_scalar("DELETE FROM link_codes WHERE code = ?1 RETURNING CASE WHEN expires_at > ?2 THEN member_id END")
            .bind(code)
            .bind(ms(now))
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?
            .flatten();
        Ok(id.map(MemberId))
    }

    async fn dialogue_get(&mut self, u: &UserRef) -> StoreResult<Option<Dialogue>> {
        let s: Option<String> = sqlx::query_scalar("SELECT state FROM dialogues WHERE platform = ?1 AND user_id = ?2")
            .bind(u.platform.as_str())
            .bind(&u.id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("dialogue: {e}")))).transpose()
    }

    async fn dialogue_put(&mut self, u: &UserRef, d: &Dialogue, at: DateTime<Utc>) -> StoreResult<()> {
        let state = serde_json::to_string(d).map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query("INSERT OR REPLACE INTO dialogues (platform, user_id, state, updated_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(u.platform.as_str())
            .bind(&u.id)
            .bind(state)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn dialogue_delete(&mut self, u: &UserRef) -> StoreResult<()> {
        sqlx::query("DELETE FROM dialogues WHERE platform = ?1 AND user_id = ?2")
            .bind(u.platform.as_str())
            .bind(&u.id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn salon_insert(&mut self, s: &NewSalon) -> StoreResult<SalonId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO salons (title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
        )
        .bind(&s.title.zh)
        .bind(&s.title.en)
        .bind(&s.venue.zh)
        .bind(&s.venue.en)
        .bind(&s.agenda.zh)
        .bind(&s.agenda.en)
        .bind(ms(s.starts_at))
        .bind(ms(s.ends_at))
        .bind(s.timezone.name())
        .bind(s.capacity as i64)
        .bind(s.min_years as i64)
        .bind(s.auto_approve)
        .bind(&s.group_link)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(SalonId(id))
    }

    async fn salon_count(&mut self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM salons").fetch_one(&mut *self.tx).await.map_err(db_err)
    }

    async fn salon_get(&mut self, id: SalonId) -> StoreResult<Option<(Salon, SeatCounts)>> {
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE id = ?1");
        let row: Option<SqliteRow> = sqlx::query(&sql).bind(id.0).fetch_optional(&mut *self.tx).await.map_err(db_err)?;
        row.map(salon).transpose()
    }

    async fn salons_upcoming(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE starts_at > ?1 ORDER BY starts_at, id");
        let rows: Vec<SqliteRow> = sqlx::query(&sql).bind(ms(now)).fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter().map(salon).collect()
    }

    async fn salon_set_checkin_code(&mut self, id: SalonId, code: &str) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET checkin_code = ?1 WHERE id = ?2").bind(code).bind(id.0).execute(&mut *self.tx).await.map_err(db_err)?;
        Ok(())
    }

    async fn salon_by_checkin_code(&mut self, code: &str) -> StoreResult<Option<Salon>> {
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE checkin_code = ?1 AND settled = 0 ORDER BY starts_at DESC LIMIT 1");
        let row: Option<SqliteRow> = sqlx::query(&sql).bind(code).fetch_optional(&mut *self.tx).await.map_err(db_err)?;
        Ok(row.map(salon).transpose()?.map(|(s, _)| s))
    }

    async fn salons_ended_unsettled(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Salon>> {
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE ends_at <= ?1 AND settled = 0 ORDER BY id");
        let rows: Vec<SqliteRow> = sqlx::query(&sql).bind(ms(now)).fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter().map(|r| salon(r).map(|(s, _)| s)).collect()
    }

    async fn salon_mark_settled(&mut self, id: SalonId) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET settled = 1 WHERE id = ?1").bind(id.0).execute(&mut *self.tx).await.map_err(db_err)?;
        Ok(())
    }

    async fn registration_latest(&mut self, s: SalonId, m: MemberId) -> StoreResult<Option<Registration>> {
        let sql = format!("SELECT {REG_COLS} FROM registrations r WHERE r.member_id = ?1 AND r.salon_id = ?2 ORDER BY r.id DESC LIMIT 1");
        let row: Option<RegCols> = sqlx::query_as(&sql).bind(m.0).bind(s.0).fetch_optional(&mut *self.tx).await.map_err(db_err)?;
        row.map(registration).transpose()
    }

    async fn registration_insert(&mut self, s: SalonId, m: MemberId, account: &UserRef, status: RegStatus, at: DateTime<Utc>) -> StoreResult<Registration> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO registrations (salon_id, member_id, platform, user_id, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        )
        .bind(s.0)
        .bind(m.0)
        .bind(account.platform.as_str())
        .bind(&account.id)
        .bind(status.as_str())
        .bind(ms(at))
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        // Stored in milliseconds: hand back exactly what a later read returns.
        let at = Utc.timestamp_millis_opt(ms(at)).single().unwrap_or(at);
        Ok(Registration { id: RegistrationId(id), salon: s, member: m, account: account.clone(), status, created_at: at, offered_until: None, reason: None })
    }

    async fn registration_update(&mut self, r: &Registration) -> StoreResult<()> {
        sqlx::query("UPDATE registrations SET status = ?1, offered_until = ?2, reason = ?3 WHERE id = ?4")
            .bind(r.status.as_str())
            .bind(r.offered_until.map(ms))
            .bind(&r.reason)
            .bind(r.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn registrations(&mut self, s: SalonId, statuses: &[RegStatus]) -> StoreResult<Vec<RegistrationRow>> {
        let list = statuses.iter().map(|st| format!("'{}'", st.as_str())).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {REG_COLS}, {MEMBER_COLS} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.salon_id = ?1 AND r.status IN ({list}) ORDER BY r.id"
        );
        let rows: Vec<SqliteRow> = sqlx::query(&sql).bind(s.0).fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter()
            .map(|row| {
                let g = |e: sqlx::Error| StoreError::Corrupt(e.to_string());
                let reg = registration((
                    row.try_get(0).map_err(g)?,
                    row.try_get(1).map_err(g)?,
                    row.try_get(2).map_err(g)?,
                    row.try_get(3).map_err(g)?,
                    row.try_get(4).map_err(g)?,
                    row.try_get(5).map_err(g)?,
                    row.try_get(6).map_err(g)?,
                    row.try_get(7).map_err(g)?,
                    row.try_get(8).map_err(g)?,
                ))?;
                let m = member((
                    row.try_get(9).map_err(g)?,
                    row.try_get(10).map_err(g)?,
                    row.try_get(11).map_err(g)?,
                    row.try_get(12).map_err(g)?,
                    row.try_get(13).map_err(g)?,
                    row.try_get(14).map_err(g)?,
                ))?;
                Ok(RegistrationRow { reg, member: m })
            })
            .collect()
    }

    async fn waitlist_position(&mut self, s: SalonId, id: RegistrationId) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE salon_id = ?1 AND status = 'waitlisted' AND id <= ?2")
            .bind(s.0)
            .bind(id.0)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn offers_expired(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Registration>> {
        let sql = format!("SELECT {REG_COLS} FROM registrations r WHERE r.status = 'offered' AND r.offered_until <= ?1 ORDER BY r.id");
        let rows: Vec<RegCols> = sqlx::query_as(&sql).bind(ms(now)).fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter().map(registration).collect()
    }

    async fn no_show_count(&mut self, m: MemberId) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE member_id = ?1 AND status = 'no_show'")
            .bind(m.0)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn decision_log(&mut self, d: &Decision) -> StoreResult<()> {
        sqlx::query("INSERT INTO decisions (registration_id, actor, action, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(d.registration.0)
            .bind(&d.actor)
            .bind(d.action.as_str())
            .bind(&d.reason)
            .bind(ms(d.at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn reminder_once(&mut self, id: RegistrationId, kind: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let r = sqlx::query("INSERT OR IGNORE INTO reminders (registration_id, kind, at) VALUES (?1, ?2, ?3)")
            .bind(id.0)
            .bind(kind)
            .bind(ms(at))
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn outbox_push(&mut self, msgs: &[Outgoing], at: DateTime<Utc>) -> StoreResult<()> {
        crate::outbox::push(&mut self.tx, msgs, at).await
    }
}
