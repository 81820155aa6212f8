-- The outbox's dedupe key is unique where there is one (issue 15). Declared `UNIQUE` on
-- the column, it indexed every row, almost all of them with no key (a NULL each): one
-- b-tree insert and its pages in the WAL per message for nothing. A partial unique index
-- keeps the same guarantee: the writes' `ON CONFLICT DO NOTHING` and `INSERT OR IGNORE`
-- name no target, so they use it, and `dedupe_key = ?` implies the key is not NULL.
-- SQLite cannot drop a column's UNIQUE, so the table is built again, rows and ids kept.
CREATE TABLE outbox_rebuilt (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    conversation     TEXT,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    last_error       TEXT,
    platform_msg_id  TEXT,
    dedupe_key       TEXT,
    ref_key          TEXT,
    failed_at        INTEGER,
    expires_at       INTEGER,
    parts_done       INTEGER NOT NULL DEFAULT 0,
    part_ids         TEXT,
    claimed_by       TEXT,
    lease_until      BIGINT
);
INSERT INTO outbox_rebuilt (id, platform, recipient, conversation, payload, status, attempts,
        next_attempt_at, created_at, sent_at, last_error, platform_msg_id, dedupe_key, ref_key,
        failed_at, expires_at, parts_done, part_ids, claimed_by, lease_until)
    SELECT id, platform, recipient, conversation, payload, status, attempts,
        next_attempt_at, created_at, sent_at, last_error, platform_msg_id, dedupe_key, ref_key,
        failed_at, expires_at, parts_done, part_ids, claimed_by, lease_until
    FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_rebuilt RENAME TO outbox;

CREATE UNIQUE INDEX outbox_dedupe ON outbox(dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX outbox_due ON outbox(platform, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_recipient ON outbox(platform, recipient, next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_pending_order ON outbox(platform, id) WHERE status = 'pending';
CREATE INDEX outbox_failed ON outbox(id) WHERE status = 'failed';
CREATE INDEX outbox_claimed ON outbox(platform, claimed_by) WHERE status = 'pending' AND claimed_by IS NOT NULL;
CREATE TRIGGER outbox_failed_at AFTER UPDATE OF status ON outbox
WHEN NEW.status = 'failed' AND OLD.status <> 'failed'
BEGIN
    UPDATE outbox SET failed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE id = NEW.id;
END;
