//! Bench and test only: a synthetic database of a given size, written in one transaction
//! with `INSERT … SELECT` over a counter (no per-row round trips), for `yunqi-bench
//! --dataset`. The rows follow fixed formulas (below) so a test can predict every read.
//!
//! - member `i` (1..=members): account `slack:UD{i:07}`, years `i % 20`.
//! - salon 1: `guests` registrations, of members `k * (members / guests)` (k = 1..=guests),
//!   status by `k % 10`: 0–5 approved, 6 pending, 7 waitlisted, 8 checked_in, 9 cancelled.
//!   Salon 2 (past): members 1..=members/2, every 20th a no-show, the rest checked in.
//! - job `j` (1..=jobs): owner `(7j % members) + 1`; status by `j % 10`: 0–6 open,
//!   7 assigned, 8 accepted (assignee `(13j % members) + 1`), 9 closed; tags
//!   `tag{(j / 10) % 50}`, `lang{j % 7}`; five applicants `((31j + 1009k) % members) + 1`, k = 0..5.
//! - question `q` (1..=questions): job `(q % jobs) + 1`; with `t = q / jobs`, answered when
//!   `t` is odd, private when `t % 4 == 3`.

use crate::error::db_err;
use crate::SqliteStore;
use yunqi_bot::ports::{StoreError, StoreResult};

/// How big the synthetic database is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetSize {
    pub members: i64,
    pub jobs: i64,
    pub questions: i64,
    /// Registrations for salon 1 (the guest list that is read).
    pub guests: i64,
}

const KEY: &str = "bench_dataset";
/// 2026-01-01T00:00:00Z in ms: every timestamp is this plus a step.
const BASE_MS: i64 = 1_767_225_600_000;

/// `WITH RECURSIVE n(i)` counting 1..=?1.
const COUNT: &str = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)";

impl SqliteStore {
    /// Fills an empty database (see the module doc), or returns the size it was filled
    /// with before (`Ok((size, false))`). Never for a production database.
    #[doc(hidden)]
    pub async fn bench_dataset(&self, size: DatasetSize) -> StoreResult<(DatasetSize, bool)> {
        if let Some(v) = self.bench_dataset_size().await? {
            return Ok((v, false));
        }
        let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        if people > 0 || size.members < 2 || size.jobs < 1 || size.guests < 1 {
            return Err(StoreError::Backend(
                "the dataset needs an empty database, ≥ 2 members, ≥ 1 job and ≥ 1 guest".into(),
            ));
        }
        let stride = (size.members / size.guests).max(1);
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let statements: [(String, i64); 10] = [
            (format!("{COUNT} INSERT INTO members (id, name, phone, position, years, locale, created_at)
                SELECT i, '成员' || i, '139' || printf('%08d', i), 'backend', i % 20, 'zh', {BASE_MS} + i FROM n"), size.members),
            (format!("{COUNT} INSERT INTO accounts (platform, user_id, member_id, created_at)
                SELECT 'slack', 'UD' || printf('%07d', i), i, {BASE_MS} + i FROM n"), size.members),
            (format!("INSERT INTO salons (id, title_zh, title_en, venue_zh, venue_en, agenda_zh, agenda_en,
                starts_at, ends_at, timezone, capacity, min_years, auto_approve)
                VALUES (1, '数据沙龙', 'Dataset salon', '杭州', 'Hangzhou', '', '', {s1}, {s1} + 10800000, 'Asia/Shanghai', ?1, 0, 0),
                       (2, '往期沙龙', 'Past salon', '杭州', 'Hangzhou', '', '', {BASE_MS}, {BASE_MS} + 10800000, 'Asia/Shanghai', ?1, 0, 0)",
                s1 = BASE_MS + 400 * 86_400_000), size.members),
            (format!("{COUNT} INSERT INTO registrations (salon_id, member_id, platform, user_id, status, created_at)
                SELECT 1, i * {stride}, 'slack', 'UD' || printf('%07d', i * {stride}),
                  CASE WHEN i % 10 < 6 THEN 'approved' WHEN i % 10 = 6 THEN 'pending'
                       WHEN i % 10 = 7 THEN 'waitlisted' WHEN i % 10 = 8 THEN 'checked_in' ELSE 'cancelled' END,
                  {BASE_MS} + i * 1000 FROM n"), size.guests),
            (format!("{COUNT} INSERT INTO registrations (salon_id, member_id, platform, user_id, status, created_at)
                SELECT 2, i, 'slack', 'UD' || printf('%07d', i),
                  CASE WHEN i % 20 = 0 THEN 'no_show' ELSE 'checked_in' END, {BASE_MS} + i FROM n"), size.members / 2),
            (format!("{COUNT} INSERT INTO jobs (id, owner_id, platform, user_id, title, description, budget_min, budget_max,
                  deadline, acceptance, status, assignee_id, created_at, published_at)
                SELECT i, (7 * i) % {m} + 1, 'slack', 'UD' || printf('%07d', (7 * i) % {m} + 1), 'Job ' || i,
                  'A synthetic job for the dataset benchmark', 5000, 8000, '2027-06-30', 'it runs',
                  CASE WHEN i % 10 < 7 THEN 'open' WHEN i % 10 = 7 THEN 'assigned' WHEN i % 10 = 8 THEN 'accepted' ELSE 'closed' END,
                  CASE WHEN i % 10 IN (7, 8) THEN (13 * i) % {m} + 1 END,
                  {BASE_MS} + i * 60000, {BASE_MS} + i * 60000 FROM n", m = size.members), size.jobs),
            (format!("{COUNT} INSERT INTO job_tags (job_id, tag, pos)
                SELECT i, 'tag' || ((i / 10) % 50), 0 FROM n UNION ALL SELECT i, 'lang' || (i % 7), 1 FROM n"), size.jobs),
            (format!("{COUNT}, k(k) AS (VALUES (0), (1), (2), (3), (4))
                INSERT INTO applications (job_id, member_id, platform, user_id, pitch, created_at)
                SELECT i, (31 * i + 1009 * k) % {m} + 1, 'slack', 'UD' || printf('%07d', (31 * i + 1009 * k) % {m} + 1),
                  'I can do it', {BASE_MS} + i * 60000 + k FROM n, k", m = size.members), size.jobs),
            (format!("{COUNT} INSERT INTO questions (job_id, asker_id, platform, user_id, text, shown, private, created_at,
                  answer, answer_shown, answered_by, answered_at)
                SELECT i % {j} + 1, (17 * i) % {m} + 1, 'slack', 'UD' || printf('%07d', (17 * i) % {m} + 1),
                  'Question ' || i, 'Question ' || i, (i / {j}) % 4 = 3, {BASE_MS} + i,
                  CASE WHEN (i / {j}) % 2 = 1 THEN 'Answer ' || i END,
                  CASE WHEN (i / {j}) % 2 = 1 THEN 'Answer ' || i END,
                  CASE WHEN (i / {j}) % 2 = 1 THEN (7 * (i % {j} + 1)) % {m} + 1 END,
                  CASE WHEN (i / {j}) % 2 = 1 THEN {BASE_MS} + i + 1000 END FROM n",
                j = size.jobs, m = size.members), size.questions),
            (format!("INSERT INTO kv (key, value, updated_at) VALUES ('{KEY}', ?1, {BASE_MS})"), 0),
        ];
        let value = format!(
            "{},{},{},{}",
            size.members, size.jobs, size.questions, size.guests
        );
        for (sql, n) in statements {
            let q = sqlx::query(&sql);
            let q = if sql.contains("'bench_dataset'") {
                q.bind(value.clone())
            } else {
                q.bind(n)
            };
            q.execute(&mut *tx).await.map_err(db_err)?;
        }
        // No ANALYZE: production never runs it, so the plans timed are the ones it gets.
        tx.commit().await.map_err(db_err)?;
        Ok((size, true))
    }

    async fn bench_dataset_size(&self) -> StoreResult<Option<DatasetSize>> {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM kv WHERE key = ?1")
            .bind(KEY)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        let Some(v) = v else { return Ok(None) };
        let n: Vec<i64> = v.split(',').filter_map(|x| x.parse().ok()).collect();
        match n[..] {
            [members, jobs, questions, guests] => Ok(Some(DatasetSize {
                members,
                jobs,
                questions,
                guests,
            })),
            _ => Err(StoreError::Corrupt(format!("bad {KEY} value {v:?}").into())),
        }
    }
}
