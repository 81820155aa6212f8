-- Job announcements: jobs, their tags, applications, subscriptions, delivery records.

ALTER TABLE members ADD COLUMN skills TEXT NOT NULL DEFAULT '';

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL REFERENCES members(id),
    platform      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    budget_min    INTEGER NOT NULL,
    budget_max    INTEGER NOT NULL CHECK (budget_min <= budget_max),
    deadline      TEXT NOT NULL,
    acceptance    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft','open','assigned','delivered','accepted','closed')),
    assignee_id   INTEGER REFERENCES members(id),
    reason        TEXT,
    created_at    INTEGER NOT NULL,
    published_at  INTEGER
);
CREATE INDEX jobs_status ON jobs(status, published_at);
CREATE INDEX jobs_owner ON jobs(owner_id);
CREATE INDEX jobs_assignee ON jobs(assignee_id, status);

CREATE TABLE job_tags (
    job_id  INTEGER NOT NULL REFERENCES jobs(id),
    tag     TEXT NOT NULL,
    pos     INTEGER NOT NULL,
    PRIMARY KEY (job_id, tag)
) WITHOUT ROWID;
CREATE INDEX job_tags_tag ON job_tags(tag, job_id);

CREATE TABLE applications (
    job_id      INTEGER NOT NULL REFERENCES jobs(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    pitch       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (job_id, member_id)
) WITHOUT ROWID;

CREATE TABLE subscribers (
    member_id       INTEGER PRIMARY KEY REFERENCES members(id),
    platform        TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    digest          TEXT NOT NULL DEFAULT 'instant' CHECK (digest IN ('instant','daily')),
    quiet_start     INTEGER,
    quiet_end       INTEGER,
    last_digest_at  INTEGER
);

CREATE TABLE subscriptions (
    member_id  INTEGER NOT NULL REFERENCES members(id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (member_id, tag)
) WITHOUT ROWID;
CREATE INDEX subscriptions_tag ON subscriptions(tag, member_id);

-- One accepted delivery adds one per job tag.
CREATE TABLE records (
    member_id   INTEGER NOT NULL REFERENCES members(id),
    tag         TEXT NOT NULL,
    deliveries  INTEGER NOT NULL,
    PRIMARY KEY (member_id, tag)
) WITHOUT ROWID;

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
