//! The domain transaction: `BEGIN IMMEDIATE`, so two processes on one file serialize
//! instead of failing to upgrade a read lock. Reads are cached and writes buffered for the
//! transaction's life (see `cache`), so a group of events costs a handful of round trips
//! to SQLite's worker thread instead of a dozen per event (ARCHITECTURE.md).

mod cache;
mod flush;
mod jobs;
mod rows;
mod threads;

use crate::convert::{member, ms, user, MemberCols, MEMBER_COLS};
use crate::db_err;
use cache::Cache;
use chrono::{DateTime, TimeZone, Utc};
use jobs::Bind;
use rows::{count_move, registration, registration_row, salon, RegCols, REG_COLS, SALON_COLS};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, Transaction};
use yunqi_bot::dialogue::Dialogue;
use yunqi_bot::i18n::Locale;
use yunqi_bot::ids::{MemberId, Platform, RegistrationId, SalonId, UserRef};
use yunqi_bot::job::{
    Applicant, DigestMode, Job, JobDraft, JobId, JobStatus, NotifyTarget, Subscriber, Tag,
};
use yunqi_bot::message::Outgoing;
use yunqi_bot::model::{
    Decision, Member, NewSalon, RegStatus, Registration, RegistrationRow, Salon, SeatCounts,
};
use yunqi_bot::ports::{StoreError, StoreResult, Tx};
use yunqi_bot::thread::{Answer, NewQuestion, Question, QuestionId, SpecEntry, SpecVersion};

pub struct SqliteTx {
    pub(crate) tx: Transaction<'static, Sqlite>,
    c: Cache,
}

/// A member with the account it was found by: `MEMBER_COLS, a.platform, a.user_id`.
type AccountMemberCols = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    String,
    String,
    String,
);

/// Row values per prefetch statement (two parameters each).
const PREFETCH_CHUNK: usize = 400;

impl SqliteTx {
    pub(crate) fn new(tx: Transaction<'static, Sqlite>) -> SqliteTx {
        SqliteTx {
            tx,
            c: Cache::default(),
        }
    }

    async fn next_id(&mut self, table: &str) -> StoreResult<i64> {
        let slot = if table == "members" {
            &mut self.c.next_member
        } else {
            &mut self.c.next_registration
        };
        let id = match *slot {
            Some(id) => id,
            None => {
                let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
                sqlx::query_scalar(&sql)
                    .fetch_one(&mut *self.tx)
                    .await
                    .map_err(db_err)?
            }
        };
        let slot = if table == "members" {
            &mut self.c.next_member
        } else {
            &mut self.c.next_registration
        };
        *slot = Some(id + 1);
        Ok(id)
    }

    async fn load_member_by_account(&mut self, u: &UserRef) -> StoreResult<Option<Member>> {
        let sql = format!("SELECT {MEMBER_COLS} FROM accounts a JOIN members m ON m.id = a.member_id WHERE a.platform = ?1 AND a.user_id = ?2");
        let row: Option<MemberCols> = sqlx::query_as(&sql)
            .bind(u.platform.as_str())
            .bind(&u.id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        row.map(member).transpose()
    }

    /// Forget everything cached (after a write the cache cannot follow, like a merge).
    async fn reset(&mut self) -> StoreResult<()> {
        self.flush().await?;
        self.c = Cache::default();
        Ok(())
    }
}

impl Tx for SqliteTx {
    async fn commit(mut self) -> StoreResult<()> {
        self.flush().await?;
        self.tx.commit().await.map_err(db_err)
    }

    async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await.map_err(db_err)
    }

    async fn prefetch(
        &mut self,
        users: &[UserRef],
        events: &[(Platform, String)],
    ) -> StoreResult<()> {
        let users: Vec<&UserRef> = users
            .iter()
            .filter(|u| !self.c.accounts.contains_key(*u))
            .collect();
        for chunk in users.chunks(PREFETCH_CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new(format!("SELECT {MEMBER_COLS}, a.platform, a.user_id FROM accounts a JOIN members m ON m.id = a.member_id WHERE (a.platform, a.user_id) IN (VALUES "));
            let mut sep = q.separated(", ");
            for u in chunk {
                sep.push("(")
                    .push_bind_unseparated(u.platform.as_str())
                    .push_unseparated(", ")
                    .push_bind_unseparated(u.id.clone())
                    .push_unseparated(")");
            }
            q.push(")");
            let rows: Vec<AccountMemberCols> = q
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *self.tx)
                .await
                .map_err(db_err)?;
            for u in chunk {
                self.c.accounts.insert((*u).clone(), None);
            }
            for (id, name, phone, pos, years, locale, skills, p, uid) in rows {
                let m = member((id, name, phone, pos, years, locale, skills))?;
                self.c.accounts.insert(user(&p, uid)?, Some(m.id));
                self.c.members.insert(m.id, m);
            }
            let mut q = QueryBuilder::<Sqlite>::new("SELECT platform, user_id, state FROM dialogues WHERE (platform, user_id) IN (VALUES ");
            let mut sep = q.separated(", ");
            for u in chunk {
                sep.push("(")
                    .push_bind_unseparated(u.platform.as_str())
                    .push_unseparated(", ")
                    .push_bind_unseparated(u.id.clone())
                    .push_unseparated(")");
            }
            q.push(")");
            let rows: Vec<(String, String, String)> = q
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *self.tx)
                .await
                .map_err(db_err)?;
            for u in chunk {
                self.c.dialogues.entry((*u).clone()).or_insert(None);
            }
            for (p, uid, state) in rows {
                let d: Dialogue = serde_json::from_str(&state)
                    .map_err(|e| StoreError::Corrupt(format!("dialogue: {e}")))?;
                self.c.dialogues.insert(user(&p, uid)?, Some(d));
            }
        }
        for chunk in events.chunks(PREFETCH_CHUNK) {
            let mut q = QueryBuilder::<Sqlite>::new("SELECT platform, event_id FROM inbound_events WHERE (platform, event_id) IN (VALUES ");
            let mut sep = q.separated(", ");
            for (p, id) in chunk {
                sep.push("(")
                    .push_bind_unseparated(p.as_str())
                    .push_unseparated(", ")
                    .push_bind_unseparated(id.clone())
                    .push_unseparated(")");
            }
            q.push(")");
            let rows: Vec<(String, String)> = q
                .build_query_as()
                .persistent(false)
                .fetch_all(&mut *self.tx)
                .await
                .map_err(db_err)?;
            for (p, id) in chunk {
                self.c.looked_up.insert((*p, id.clone()));
            }
            for (p, id) in rows {
                self.c.seen.insert((crate::convert::platform(&p)?, id));
            }
        }
        Ok(())
    }

    async fn first_sighting(
        &mut self,
        platform: Platform,
        event_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let key = (platform, event_id.to_string());
        if self.c.seen.contains(&key) {
            return Ok(false);
        }
        if !self.c.looked_up.contains(&key) {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM inbound_events WHERE platform = ?1 AND event_id = ?2",
            )
            .bind(platform.as_str())
            .bind(event_id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
            if found.is_some() {
                self.c.seen.insert(key);
                return Ok(false);
            }
        }
        self.c.w.seen.push((platform, event_id.to_string(), ms(at)));
        self.c.seen.insert(key);
        Ok(true)
    }

    async fn member_for(
        &mut self,
        u: &UserRef,
        locale: Locale,
        at: DateTime<Utc>,
    ) -> StoreResult<(Member, bool)> {
        if let Some(m) = self.member_find(u).await? {
            return Ok((m, false));
        }
        let id = MemberId(self.next_id("members").await?);
        let m = Member::new(id, locale);
        self.c.members.insert(id, m.clone());
        self.c.accounts.insert(u.clone(), Some(id));
        self.c.new_members.insert(id);
        self.c.w.members.insert(id, ms(at));
        self.c.w.accounts.push((u.clone(), id, ms(at)));
        Ok((m, true))
    }

    async fn member_find(&mut self, u: &UserRef) -> StoreResult<Option<Member>> {
        match self.c.accounts.get(u) {
            Some(None) => return Ok(None),
            Some(Some(id)) => {
                if let Some(m) = self.c.members.get(id) {
                    return Ok(Some(m.clone()));
                }
            }
            None => {}
        }
        let m = self.load_member_by_account(u).await?;
        self.c.accounts.insert(u.clone(), m.as_ref().map(|m| m.id));
        if let Some(m) = &m {
            self.c.members.insert(m.id, m.clone());
        }
        Ok(m)
    }

    async fn member_get(&mut self, id: MemberId) -> StoreResult<Option<Member>> {
        if let Some(m) = self.c.members.get(&id) {
            return Ok(Some(m.clone()));
        }
        let sql = format!("SELECT {MEMBER_COLS} FROM members m WHERE m.id = ?1");
        let row: Option<MemberCols> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let m = row.map(member).transpose()?;
        if let Some(m) = &m {
            self.c.members.insert(m.id, m.clone());
        }
        Ok(m)
    }

    async fn member_save(&mut self, m: &Member) -> StoreResult<()> {
        self.c.members.insert(m.id, m.clone());
        self.c.w.members.entry(m.id).or_insert(0);
        Ok(())
    }

    async fn member_accounts(&mut self, id: MemberId) -> StoreResult<Vec<UserRef>> {
        self.flush().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT platform, user_id FROM accounts WHERE member_id = ?1 ORDER BY created_at",
        )
        .bind(id.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|(p, u)| user(&p, u)).collect()
    }

    async fn member_merge(&mut self, from: MemberId, into: MemberId) -> StoreResult<()> {
        self.flush().await?;
        for sql in [
            "UPDATE accounts SET member_id = ?2 WHERE member_id = ?1",
            "UPDATE registrations SET member_id = ?2 WHERE member_id = ?1",
            "UPDATE link_codes SET member_id = ?2 WHERE member_id = ?1",
            "UPDATE jobs SET owner_id = ?2 WHERE owner_id = ?1",
            "UPDATE jobs SET assignee_id = ?2 WHERE assignee_id = ?1",
            // Where both had one, the joined member's own wins; the rest moves over.
            "UPDATE OR IGNORE applications SET member_id = ?2 WHERE member_id = ?1",
            "DELETE FROM applications WHERE member_id = ?1 AND ?2 IS NOT NULL",
            "UPDATE OR IGNORE subscribers SET member_id = ?2 WHERE member_id = ?1",
            "DELETE FROM subscribers WHERE member_id = ?1 AND ?2 IS NOT NULL",
            "UPDATE OR IGNORE subscriptions SET member_id = ?2 WHERE member_id = ?1",
            "DELETE FROM subscriptions WHERE member_id = ?1 AND ?2 IS NOT NULL",
            "INSERT INTO records (member_id, tag, deliveries) SELECT ?2, tag, deliveries FROM records WHERE member_id = ?1 ON CONFLICT(member_id, tag) DO UPDATE SET deliveries = deliveries + excluded.deliveries",
            "DELETE FROM records WHERE member_id = ?1 AND ?2 IS NOT NULL",
            "UPDATE questions SET asker_id = ?2 WHERE asker_id = ?1",
            "UPDATE questions SET answered_by = ?2 WHERE answered_by = ?1",
            "UPDATE OR IGNORE followers SET member_id = ?2 WHERE member_id = ?1",
            "DELETE FROM followers WHERE member_id = ?1 AND ?2 IS NOT NULL",
            "DELETE FROM members WHERE id = ?1 AND ?2 IS NOT NULL",
        ] {
            sqlx::query(sql)
                .bind(from.0)
                .bind(into.0)
                .execute(&mut *self.tx)
                .await
                .map_err(db_err)?;
        }
        self.reset().await
    }

    async fn link_code_put(
        &mut self,
        code: &str,
        m: MemberId,
        expires: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "INSERT OR REPLACE INTO link_codes (code, member_id, expires_at) VALUES (?1, ?2, ?3)",
        )
        .bind(code)
        .bind(m.0)
        .bind(ms(expires))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn link_code_take(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MemberId>> {
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
        if let Some(d) = self.c.dialogues.get(u) {
            return Ok(d.clone());
        }
        let s: Option<String> =
            sqlx::query_scalar("SELECT state FROM dialogues WHERE platform = ?1 AND user_id = ?2")
                .bind(u.platform.as_str())
                .bind(&u.id)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        let d: Option<Dialogue> = s
            .map(|s| {
                serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("dialogue: {e}")))
            })
            .transpose()?;
        self.c.dialogues.insert(u.clone(), d.clone());
        Ok(d)
    }

    async fn dialogue_put(
        &mut self,
        u: &UserRef,
        d: &Dialogue,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.c.dialogues.insert(u.clone(), Some(d.clone()));
        self.c
            .w
            .dialogues
            .insert(u.clone(), (Some(d.clone()), ms(at)));
        Ok(())
    }

    async fn dialogue_delete(&mut self, u: &UserRef) -> StoreResult<()> {
        // Known absent: nothing to write.
        if matches!(self.c.dialogues.get(u), Some(None)) && !self.c.w.dialogues.contains_key(u) {
            return Ok(());
        }
        self.c.dialogues.insert(u.clone(), None);
        self.c.w.dialogues.insert(u.clone(), (None, 0));
        Ok(())
    }

    async fn salon_insert(&mut self, s: &NewSalon) -> StoreResult<SalonId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO salons (title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en, starts_at, ends_at, timezone, capacity, min_years, auto_approve, group_link, groups)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
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
        .bind(serde_json::to_string(&s.groups).map_err(|e| StoreError::Backend(e.to_string()))?)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(SalonId(id))
    }

    async fn salon_count(&mut self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM salons")
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)
    }

    async fn salon_get(&mut self, id: SalonId) -> StoreResult<Option<(Salon, SeatCounts)>> {
        if let Some(s) = self.c.salons.get(&id) {
            return Ok(Some(s.clone()));
        }
        // Counts in the table lag behind buffered registrations until a flush.
        self.flush().await?;
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE id = ?1");
        let row: Option<SqliteRow> = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let s = row.map(salon).transpose()?;
        if let Some(s) = &s {
            self.c.salons.insert(id, s.clone());
        }
        Ok(s)
    }

    async fn salons_upcoming(
        &mut self,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Salon, SeatCounts)>> {
        self.flush().await?;
        let sql =
            format!("SELECT {SALON_COLS} FROM salons WHERE starts_at > ?1 ORDER BY starts_at, id");
        let rows: Vec<SqliteRow> = sqlx::query(&sql)
            .bind(ms(now))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let salons = rows
            .into_iter()
            .map(salon)
            .collect::<StoreResult<Vec<_>>>()?;
        for s in &salons {
            self.c.salons.insert(s.0.id, s.clone());
        }
        Ok(salons)
    }

    async fn salon_set_checkin_code(&mut self, id: SalonId, code: &str) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET checkin_code = ?1 WHERE id = ?2")
            .bind(code)
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        if let Some((s, _)) = self.c.salons.get_mut(&id) {
            s.checkin_code = Some(code.to_string());
        }
        Ok(())
    }

    async fn salon_by_checkin_code(&mut self, code: &str) -> StoreResult<Option<Salon>> {
        let sql = format!("SELECT {SALON_COLS} FROM salons WHERE checkin_code = ?1 AND settled = 0 ORDER BY starts_at DESC LIMIT 1");
        let row: Option<SqliteRow> = sqlx::query(&sql)
            .bind(code)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(row.map(salon).transpose()?.map(|(s, _)| s))
    }

    async fn salons_ended_unsettled(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Salon>> {
        let sql = format!(
            "SELECT {SALON_COLS} FROM salons WHERE ends_at <= ?1 AND settled = 0 ORDER BY id"
        );
        let rows: Vec<SqliteRow> = sqlx::query(&sql)
            .bind(ms(now))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(|r| salon(r).map(|(s, _)| s)).collect()
    }

    async fn salon_mark_settled(&mut self, id: SalonId) -> StoreResult<()> {
        sqlx::query("UPDATE salons SET settled = 1 WHERE id = ?1")
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn registration_latest(
        &mut self,
        s: SalonId,
        m: MemberId,
    ) -> StoreResult<Option<Registration>> {
        if let Some(r) = self.c.latest.get(&(s, m)) {
            return Ok(r.clone());
        }
        if self.c.new_members.contains(&m) {
            return Ok(None);
        }
        self.flush().await?;
        let sql = format!("SELECT {REG_COLS} FROM registrations r WHERE r.member_id = ?1 AND r.salon_id = ?2 ORDER BY r.id DESC LIMIT 1");
        let row: Option<RegCols> = sqlx::query_as(&sql)
            .bind(m.0)
            .bind(s.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let r = row.map(registration).transpose()?;
        self.c.latest.insert((s, m), r.clone());
        Ok(r)
    }

    async fn registration_insert(
        &mut self,
        s: SalonId,
        m: MemberId,
        account: &UserRef,
        status: RegStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Registration> {
        // Loads the salon's counts before the buffered row changes them.
        let counts = self.salon_get(s).await?.map(|(_, c)| c);
        let id = RegistrationId(self.next_id("registrations").await?);
        // Stored in milliseconds: hand back exactly what a later read returns.
        let at = Utc.timestamp_millis_opt(ms(at)).single().unwrap_or(at);
        let r = Registration {
            id,
            salon: s,
            member: m,
            account: account.clone(),
            status,
            created_at: at,
            offered_until: None,
            reason: None,
        };
        if let (Some(mut c), Some((salon, _))) = (counts, self.c.salons.get(&s).cloned()) {
            count_move(&mut c, None, Some(status));
            self.c.salons.insert(s, (salon, c));
        }
        self.c.latest.insert((s, m), Some(r.clone()));
        self.c.w.new_regs.insert(id, r.clone());
        Ok(r)
    }

    async fn registration_update(&mut self, r: &Registration) -> StoreResult<()> {
        let before = match self
            .c
            .w
            .new_regs
            .get(&r.id)
            .or_else(|| self.c.w.changed_regs.get(&r.id))
        {
            Some(b) => Some(b.status),
            None => match self.c.latest.get(&(r.salon, r.member)) {
                Some(Some(b)) if b.id == r.id => Some(b.status),
                _ => None,
            },
        };
        let before = match before {
            Some(b) => b,
            None => {
                let st: Option<String> =
                    sqlx::query_scalar("SELECT status FROM registrations WHERE id = ?1")
                        .bind(r.id.0)
                        .fetch_optional(&mut *self.tx)
                        .await
                        .map_err(db_err)?;
                st.and_then(|s| RegStatus::parse(&s))
                    .ok_or_else(|| StoreError::Corrupt(format!("registration {} vanished", r.id)))?
            }
        };
        if let Some((salon, mut c)) = self.c.salons.get(&r.salon).cloned() {
            count_move(&mut c, Some(before), Some(r.status));
            self.c.salons.insert(r.salon, (salon, c));
        }
        if let Some(Some(latest)) = self.c.latest.get(&(r.salon, r.member)) {
            if latest.id == r.id {
                self.c.latest.insert((r.salon, r.member), Some(r.clone()));
            }
        }
        match self.c.w.new_regs.get_mut(&r.id) {
            Some(pending) => *pending = r.clone(),
            None => {
                self.c.w.changed_regs.insert(r.id, r.clone());
            }
        }
        Ok(())
    }

    async fn registrations(
        &mut self,
        s: SalonId,
        statuses: &[RegStatus],
    ) -> StoreResult<Vec<RegistrationRow>> {
        self.flush().await?;
        let list = statuses
            .iter()
            .map(|st| format!("'{}'", st.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT {REG_COLS}, {MEMBER_COLS} FROM registrations r JOIN members m ON m.id = r.member_id
             WHERE r.salon_id = ?1 AND r.status IN ({list}) ORDER BY r.id"
        );
        let rows: Vec<SqliteRow> = sqlx::query(&sql)
            .bind(s.0)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.iter().map(registration_row).collect()
    }

    async fn offers_expired(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Registration>> {
        self.flush().await?;
        let sql = format!("SELECT {REG_COLS} FROM registrations r WHERE r.status = 'offered' AND r.offered_until <= ?1 ORDER BY r.id");
        let rows: Vec<RegCols> = sqlx::query_as(&sql)
            .bind(ms(now))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(registration).collect()
    }

    async fn no_show_count(&mut self, m: MemberId) -> StoreResult<u32> {
        if self.c.new_members.contains(&m) {
            return Ok(0);
        }
        self.flush().await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE member_id = ?1 AND status = 'no_show'",
        )
        .bind(m.0)
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn decision_log(&mut self, d: &Decision) -> StoreResult<()> {
        self.c.w.decisions.push(d.clone());
        Ok(())
    }

    async fn reminder_once(
        &mut self,
        id: RegistrationId,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT OR IGNORE INTO reminders (registration_id, kind, at) VALUES (?1, ?2, ?3)",
        )
        .bind(id.0)
        .bind(kind)
        .bind(ms(at))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn job_insert(
        &mut self,
        owner: MemberId,
        account: &UserRef,
        draft: &JobDraft,
        status: JobStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Job> {
        self.job_insert_impl(owner, account, draft, status, at)
            .await
    }

    async fn job_get(&mut self, id: JobId) -> StoreResult<Option<Job>> {
        Ok(self
            .jobs_query("WHERE j.id = ?1", vec![Bind::Int(id.0)])
            .await?
            .pop())
    }

    async fn job_update(&mut self, job: &Job) -> StoreResult<()> {
        self.job_update_impl(job).await
    }

    async fn jobs_with_status(
        &mut self,
        status: JobStatus,
        tag: Option<&Tag>,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        let mut bind = vec![Bind::Text(status.as_str().into()), Bind::Int(limit as i64)];
        let tag_filter = match tag {
            Some(t) => {
                bind.push(Bind::Text(t.as_str().into()));
                "AND j.id IN (SELECT job_id FROM job_tags WHERE tag = ?3)"
            }
            None => "",
        };
        let where_ = format!("WHERE j.status = ?1 {tag_filter} ORDER BY COALESCE(j.published_at, j.created_at) DESC, j.id DESC LIMIT ?2");
        self.jobs_query(&where_, bind).await
    }

    async fn jobs_of(&mut self, owner: MemberId) -> StoreResult<Vec<Job>> {
        self.jobs_query(
            "WHERE j.owner_id = ?1 ORDER BY j.id DESC",
            vec![Bind::Int(owner.0)],
        )
        .await
    }

    async fn jobs_published_since(&mut self, since: DateTime<Utc>) -> StoreResult<Vec<Job>> {
        self.jobs_query(
            "WHERE j.status = 'open' AND j.published_at > ?1 ORDER BY j.published_at, j.id",
            vec![Bind::Int(ms(since))],
        )
        .await
    }

    async fn application_put(
        &mut self,
        job: JobId,
        member: MemberId,
        account: &UserRef,
        pitch: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.application_put_impl(job, member, account, pitch, at)
            .await
    }

    async fn application_count(&mut self, job: JobId) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications WHERE job_id = ?1")
            .bind(job.0)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    async fn applicants(&mut self, job: JobId) -> StoreResult<Vec<Applicant>> {
        self.applicants_impl(job).await
    }

    async fn record_add(&mut self, member: MemberId, tags: &[Tag]) -> StoreResult<()> {
        self.record_add_impl(member, tags).await
    }

    async fn record_of(&mut self, member: MemberId) -> StoreResult<Vec<(Tag, u32)>> {
        self.record_of_impl(member).await
    }

    async fn subscriber_get(&mut self, member: MemberId) -> StoreResult<Option<Subscriber>> {
        Ok(self
            .subscribers_where("WHERE s.member_id = ?1", vec![Bind::Int(member.0)])
            .await?
            .pop())
    }

    async fn subscriber_save(&mut self, s: &Subscriber) -> StoreResult<()> {
        self.subscriber_save_impl(s).await
    }

    async fn notify_targets(
        &mut self,
        tags: &[Tag],
        mode: DigestMode,
    ) -> StoreResult<Vec<NotifyTarget>> {
        self.notify_targets_impl(tags, mode).await
    }

    async fn subscribers_daily(&mut self) -> StoreResult<Vec<Subscriber>> {
        self.subscribers_where("WHERE s.digest = 'daily' ORDER BY s.member_id", Vec::new())
            .await
    }

    async fn meta_get(&mut self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = ?1")
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)
    }

    async fn meta_put(&mut self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn question_insert(&mut self, q: &NewQuestion) -> StoreResult<Question> {
        self.question_insert_impl(q).await
    }

    async fn question_get(&mut self, id: QuestionId) -> StoreResult<Option<Question>> {
        Ok(self.questions_where("WHERE q.id = ?1", id.0).await?.pop())
    }

    async fn question_answer(&mut self, id: QuestionId, a: &Answer) -> StoreResult<()> {
        self.question_answer_impl(id, a).await
    }

    async fn question_reminded(&mut self, id: QuestionId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE questions SET reminders = reminders + 1, last_reminded_at = ?1 WHERE id = ?2",
        )
        .bind(ms(at))
        .bind(id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn questions_of_job(&mut self, job: JobId) -> StoreResult<Vec<Question>> {
        self.questions_where("WHERE q.job_id = ?1 ORDER BY q.id", job.0)
            .await
    }

    async fn questions_open_for(&mut self, owner: MemberId) -> StoreResult<Vec<Question>> {
        self.questions_where("WHERE q.answer IS NULL AND q.job_id IN (SELECT id FROM jobs WHERE owner_id = ?1) ORDER BY q.id", owner.0).await
    }

    async fn questions_to_remind(&mut self, max_reminders: u32) -> StoreResult<Vec<Question>> {
        self.questions_where(
            "WHERE q.answer IS NULL AND q.reminders < ?1 ORDER BY q.id",
            max_reminders as i64,
        )
        .await
    }

    async fn spec_versions(&mut self, job: JobId) -> StoreResult<Vec<SpecVersion>> {
        self.spec_versions_impl(job).await
    }

    async fn spec_append(
        &mut self,
        job: JobId,
        entry: &SpecEntry,
        at: DateTime<Utc>,
    ) -> StoreResult<u32> {
        self.spec_append_impl(job, entry, at).await
    }

    async fn follow(&mut self, job: JobId, member: MemberId, account: &UserRef) -> StoreResult<()> {
        self.follow_impl(job, member, account).await
    }

    async fn unfollow(&mut self, job: JobId, member: MemberId) -> StoreResult<()> {
        sqlx::query("DELETE FROM followers WHERE job_id = ?1 AND member_id = ?2")
            .bind(job.0)
            .bind(member.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn audience(&mut self, job: JobId) -> StoreResult<Vec<NotifyTarget>> {
        self.audience_impl(job).await
    }

    async fn message_ref(
        &mut self,
        platform: Platform,
        message_id: &str,
    ) -> StoreResult<Option<String>> {
        self.message_ref_impl(platform, message_id).await
    }

    async fn outbox_push(&mut self, msgs: &[Outgoing], at: DateTime<Utc>) -> StoreResult<()> {
        self.c.w.outbox.extend_from_slice(msgs);
        self.c.w.outbox_at.get_or_insert(at);
        Ok(())
    }
}
