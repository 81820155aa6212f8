-- Salons as a series (issue 11): created, edited, closed and cancelled at runtime.
ALTER TABLE salons ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'closed', 'cancelled'));
-- Registration closes then; NULL = at the start.
ALTER TABLE salons ADD COLUMN closes_at INTEGER;
-- The calendar invite's SEQUENCE: raised by every change of time or place.
ALTER TABLE salons ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
-- Changes of time: reminders are keyed by it.
ALTER TABLE salons ADD COLUMN reschedules INTEGER NOT NULL DEFAULT 0;
-- A config entry's `key`: created once at start, then left to chat edits.
ALTER TABLE salons ADD COLUMN key TEXT;
CREATE UNIQUE INDEX salons_key ON salons(key) WHERE key IS NOT NULL;

-- Who created, edited, closed, opened or cancelled a salon, when, and what. Append only.
CREATE TABLE salon_audit (
    id        INTEGER PRIMARY KEY,
    salon_id  INTEGER NOT NULL REFERENCES salons(id),
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    at        INTEGER NOT NULL
);
CREATE INDEX salon_audit_salon ON salon_audit(salon_id);
CREATE TRIGGER salon_audit_never_changes BEFORE UPDATE ON salon_audit BEGIN
    SELECT RAISE(ABORT, 'salon audit rows never change');
END;

-- Roles granted in chat (`/grant`); `[roles]` in config apply besides and are not here.
CREATE TABLE roles (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'operator', 'client')),
    granted_by  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id, role)
) WITHOUT ROWID;

-- Every grant and revoke. Append only.
CREATE TABLE role_audit (
    id        INTEGER PRIMARY KEY,
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
    actor     TEXT NOT NULL,
    at        INTEGER NOT NULL
);
