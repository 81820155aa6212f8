//! Subscribers to new jobs: preferences, tags, and the fan-out's targets.

use super::Db;
use super::SqlTx;
use crate::error::{backend, db_err};
use crate::rows::{digest_text, from_json_rows, ms, MemberRow, SubscriberRow, TargetRow};
use sqlx::QueryBuilder;
use yunqi_bot::ids::MemberId;
use yunqi_bot::job::{DigestMode, NotifyTarget, Subscriber, Tag};
use yunqi_bot::ports::{StoreResult, SubscriberTx};

impl SqlTx {
    async fn subscribers_where(
        &mut self,
        where_: &str,
        member: Option<MemberId>,
    ) -> StoreResult<Vec<Subscriber>> {
        self.flush().await?;
        let sql = format!(
            "SELECT {}, {} FROM subscribers s JOIN members m ON m.id = s.member_id {where_}",
            MemberRow::COLS,
            SubscriberRow::COLS
        );
        let mut q = sqlx::query_as::<_, SubscriberRow>(&sql);
        if let Some(m) = member {
            q = q.bind(m.0);
        }
        let rows = q.fetch_all(&mut *self.tx).await.map_err(db_err)?;
        rows.into_iter()
            .map(SubscriberRow::into_subscriber)
            .collect()
    }
}

impl SubscriberTx for SqlTx {
    async fn subscriber_get(&mut self, member: MemberId) -> StoreResult<Option<Subscriber>> {
        Ok(self
            .subscribers_where("WHERE s.member_id = $1", Some(member))
            .await?
            .pop())
    }

    async fn subscriber_save(&mut self, s: &Subscriber) -> StoreResult<()> {
        self.flush().await?;
        sqlx::query(
            "INSERT INTO subscribers (member_id, platform, user_id, digest, quiet_start, quiet_end, last_digest_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT(member_id) DO UPDATE SET platform = excluded.platform, user_id = excluded.user_id, digest = excluded.digest,
               quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, last_digest_at = excluded.last_digest_at",
        )
        .bind(s.member.id.0)
        .bind(s.account.platform.as_str())
        .bind(&s.account.id)
        .bind(digest_text(s.digest))
        .bind(s.quiet.map(|q| q.start as i64))
        .bind(s.quiet.map(|q| q.end as i64))
        .bind(s.last_digest_at.map(ms))
        .execute(&mut *self.tx)
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM subscriptions WHERE member_id = $1")
            .bind(s.member.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        if !s.tags.is_empty() {
            let mut q = QueryBuilder::<Db>::new("INSERT INTO subscriptions (member_id, tag) ");
            q.push_values(&s.tags, |mut b, t| {
                b.push_bind(s.member.id.0).push_bind(t.as_str().to_string());
            });
            q.build().execute(&mut *self.tx).await.map_err(db_err)?;
        }
        Ok(())
    }

    /// One row holding a JSON array: a fan-out to thousands is one hand-off from SQLite's
    /// worker thread instead of one per subscriber.
    async fn notify_targets(
        &mut self,
        tags: &[Tag],
        mode: DigestMode,
    ) -> StoreResult<Vec<NotifyTarget>> {
        if tags.is_empty() {
            return Ok(Vec::new());
        }
        self.flush().await?;
        let tag_json = serde_json::to_string(&tags.iter().map(|t| t.as_str()).collect::<Vec<_>>())
            .map_err(backend)?;
        let sql = format!(
            concat!(
                "SELECT {} FROM subscribers s JOIN members m ON m.id = s.member_id
                 WHERE s.digest = $1 AND s.member_id IN (SELECT member_id FROM subscriptions WHERE tag IN (",
                json_texts!("$2"),
                "))"
            ),
            super::super::json_rows_of(
                "s.member_id, m.locale, s.platform, s.user_id, s.quiet_start, s.quiet_end"
            )
        );
        let json: Option<String> = sqlx::query_scalar(&sql)
            .bind(digest_text(mode))
            .bind(tag_json)
            .fetch_one(&mut *self.tx)
            .await
            .map_err(db_err)?;
        let rows: Vec<TargetRow> = from_json_rows(json, "notify targets")?;
        rows.into_iter().map(TargetRow::into_target).collect()
    }

    async fn subscribers_daily(&mut self) -> StoreResult<Vec<Subscriber>> {
        self.subscribers_where("WHERE s.digest = 'daily' ORDER BY s.member_id", None)
            .await
    }
}
