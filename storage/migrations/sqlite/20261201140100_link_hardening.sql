-- Link codes are stored as SHA-256 of their normal form; old 6-digit codes (10 minutes
-- of life) are simply dropped.
DROP TABLE link_codes;
CREATE TABLE link_codes (
    code_hash   TEXT PRIMARY KEY,
    member_id   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_codes_member ON link_codes(member_id);

-- A link that would hand over a role waits for the role holder's confirmation.
CREATE TABLE link_pending (
    token_hash  TEXT PRIMARY KEY,
    into_id     INTEGER NOT NULL,
    from_id     INTEGER NOT NULL,
    confirmer   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Failed tries at guessable things, per (kind, subject), in a fixed window.
CREATE TABLE attempts (
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    window_ends INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
) WITHOUT ROWID;
