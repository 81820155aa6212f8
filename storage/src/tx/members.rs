//! Members and accounts (cached, writes buffered), link codes, dialogues (buffered).

use super::{link, IdTable, SqlTx};
use crate::error::{backend, db_err};
use crate::rows::{corrupt, ms, user, MemberRow};
use chrono::{DateTime, Utc};
use yunqi_bot::dialogue::Dialogue;
use yunqi_bot::ids::{MemberId, UserRef};
use yunqi_bot::model::Member;
use yunqi_bot::ports::{MemberTx, StoreResult};
use yunqi_bot::Locale;

pub(super) fn dialogue(state: &str) -> StoreResult<Dialogue> {
    serde_json::from_str(state).map_err(|e| corrupt(format!("dialogue: {e}")))
}

pub(super) fn dialogue_json(d: &Dialogue) -> StoreResult<String> {
    serde_json::to_string(d).map_err(backend)
}

/// Everything that points at a member, moved from `$1` to `$2` by a merge.
const MERGE: [&str; 21] = [
    "UPDATE accounts SET member_id = $2 WHERE member_id = $1",
    "UPDATE registrations SET member_id = $2 WHERE member_id = $1",
    "UPDATE link_codes SET member_id = $2 WHERE member_id = $1",
    "UPDATE link_pending SET into_id = $2 WHERE into_id = $1",
    "UPDATE link_pending SET from_id = $2 WHERE from_id = $1",
    "UPDATE link_pending SET confirmer = $2 WHERE confirmer = $1",
    "UPDATE jobs SET owner_id = $2 WHERE owner_id = $1",
    "UPDATE jobs SET assignee_id = $2 WHERE assignee_id = $1",
    // Where both had one, the joined member's own wins (the row that would collide stays
    // behind and is deleted); the rest moves over.
    "UPDATE applications SET member_id = $2 WHERE member_id = $1 AND NOT EXISTS (SELECT 1 FROM applications o WHERE o.member_id = $2 AND o.job_id = applications.job_id)",
    "DELETE FROM applications WHERE member_id = $1 AND $2 IS NOT NULL",
    "UPDATE subscribers SET member_id = $2 WHERE member_id = $1 AND NOT EXISTS (SELECT 1 FROM subscribers o WHERE o.member_id = $2)",
    "DELETE FROM subscribers WHERE member_id = $1 AND $2 IS NOT NULL",
    "UPDATE subscriptions SET member_id = $2 WHERE member_id = $1 AND NOT EXISTS (SELECT 1 FROM subscriptions o WHERE o.member_id = $2 AND o.tag = subscriptions.tag)",
    "DELETE FROM subscriptions WHERE member_id = $1 AND $2 IS NOT NULL",
    "INSERT INTO records (member_id, tag, deliveries) SELECT $2, tag, deliveries FROM records WHERE member_id = $1 ON CONFLICT(member_id, tag) DO UPDATE SET deliveries = records.deliveries + excluded.deliveries",
    "DELETE FROM records WHERE member_id = $1 AND $2 IS NOT NULL",
    "UPDATE questions SET asker_id = $2 WHERE asker_id = $1",
    "UPDATE questions SET answered_by = $2 WHERE answered_by = $1",
    "UPDATE followers SET member_id = $2 WHERE member_id = $1 AND NOT EXISTS (SELECT 1 FROM followers o WHERE o.member_id = $2 AND o.job_id = followers.job_id)",
    "DELETE FROM followers WHERE member_id = $1 AND $2 IS NOT NULL",
    "DELETE FROM members WHERE id = $1 AND $2 IS NOT NULL",
];

impl MemberTx for SqlTx {
    async fn member_for(
        &mut self,
        u: &UserRef,
        locale: Locale,
        at: DateTime<Utc>,
    ) -> StoreResult<(Member, bool)> {
        if let Some(m) = self.member_find(u).await? {
            return Ok((m, false));
        }
        let id = MemberId(self.next_id(IdTable::Members).await?);
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
        let sql = format!(
            "SELECT {} FROM accounts a JOIN members m ON m.id = a.member_id WHERE a.platform = $1 AND a.user_id = $2",
            MemberRow::COLS
        );
        let row: Option<MemberRow> = sqlx::query_as(&sql)
            .bind(u.platform.as_str())
            .bind(&u.id)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let m = row.map(MemberRow::into_member).transpose()?;
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
        let sql = format!("SELECT {} FROM members m WHERE m.id = $1", MemberRow::COLS);
        let row: Option<MemberRow> = sqlx::query_as(&sql)
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let m = row.map(MemberRow::into_member).transpose()?;
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
            "SELECT platform, user_id FROM accounts WHERE member_id = $1 ORDER BY created_at",
        )
        .bind(id.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|(p, u)| user(&p, u)).collect()
    }

    async fn member_merge(&mut self, from: MemberId, into: MemberId) -> StoreResult<()> {
        self.flush().await?;
        for sql in MERGE {
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
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.flush().await?;
        link::code_put(self, code, m, now, expires).await
    }

    async fn link_code_take(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MemberId>> {
        link::code_take(self, code, now).await
    }

    async fn link_pending_put(
        &mut self,
        token: &str,
        l: (MemberId, MemberId, MemberId),
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool> {
        link::pending_put(self, token, l, now, expires).await
    }

    async fn link_pending_take(
        &mut self,
        token: &str,
        confirmer: MemberId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(MemberId, MemberId)>> {
        link::pending_take(self, token, confirmer, now).await
    }

    async fn dialogue_get(&mut self, u: &UserRef) -> StoreResult<Option<Dialogue>> {
        if let Some(d) = self.c.dialogues.get(u) {
            return Ok(d.clone());
        }
        let s: Option<String> =
            sqlx::query_scalar("SELECT state FROM dialogues WHERE platform = $1 AND user_id = $2")
                .bind(u.platform.as_str())
                .bind(&u.id)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_err)?;
        let d = s.as_deref().map(dialogue).transpose()?;
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
}
