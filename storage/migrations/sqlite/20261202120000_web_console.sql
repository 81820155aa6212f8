-- The web console: one-time sign-in links from /dashboard and browser sessions.
-- Only SHA-256 hashes of tokens and session ids are stored: a copy of the database
-- cannot sign anyone in.

CREATE TABLE web_tokens (
    token_hash  TEXT PRIMARY KEY,
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;

CREATE TABLE web_sessions (
    session_hash  TEXT PRIMARY KEY,
    platform      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    -- Every form carries it; a POST without it is refused.
    csrf          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
