-- Clarification threads: questions, immutable spec versions, followers, message-id map.

CREATE TABLE questions (
    id                INTEGER PRIMARY KEY,
    job_id            INTEGER NOT NULL REFERENCES jobs(id),
    asker_id          INTEGER NOT NULL REFERENCES members(id),
    platform          TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    conversation      TEXT,
    message_id        TEXT,
    text              TEXT NOT NULL,   -- as written, for operators
    shown             TEXT NOT NULL,   -- as relayed
    private           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    answer            TEXT,
    answer_shown      TEXT,
    answered_by       INTEGER REFERENCES members(id),
    answered_at       INTEGER,
    reminders         INTEGER NOT NULL DEFAULT 0,
    last_reminded_at  INTEGER
);
CREATE INDEX questions_job ON questions(job_id, id);
CREATE INDEX questions_open ON questions(job_id) WHERE answer IS NULL;

CREATE TABLE spec_versions (
    job_id       INTEGER NOT NULL REFERENCES jobs(id),
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('initial','qa')),
    a            TEXT NOT NULL,   -- description, or the question
    b            TEXT NOT NULL,   -- acceptance criteria, or the answer
    question_id  INTEGER REFERENCES questions(id),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (job_id, version)
) WITHOUT ROWID;

CREATE TRIGGER spec_versions_never_change BEFORE UPDATE ON spec_versions BEGIN
    SELECT RAISE(ABORT, 'spec versions never change');
END;
CREATE TRIGGER spec_versions_never_go BEFORE DELETE ON spec_versions BEGIN
    SELECT RAISE(ABORT, 'spec versions never change');
END;

CREATE TABLE followers (
    job_id     INTEGER NOT NULL REFERENCES jobs(id),
    member_id  INTEGER NOT NULL REFERENCES members(id),
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    PRIMARY KEY (job_id, member_id)
) WITHOUT ROWID;

-- What a delivered message stood for, by the platform's id: thread replies map back.
ALTER TABLE outbox ADD COLUMN ref_key TEXT;
CREATE TABLE message_map (
    platform    TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    ref_key     TEXT NOT NULL,
    PRIMARY KEY (platform, message_id)
) WITHOUT ROWID;
