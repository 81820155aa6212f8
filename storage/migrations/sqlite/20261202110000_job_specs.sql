-- Structured specs (issue 17). spec_versions keeps the rendered text of each version;
-- job_specs keeps the sections as they stood at that version (JSON of spec::Spec) with
-- the changelog line that made it. Append-only like spec_versions.
CREATE TABLE job_specs (
    job_id      INTEGER NOT NULL REFERENCES jobs(id),
    version     INTEGER NOT NULL,
    spec        TEXT NOT NULL,
    change      TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (job_id, version)
) WITHOUT ROWID;

CREATE TRIGGER job_specs_never_change BEFORE UPDATE ON job_specs BEGIN
    SELECT RAISE(ABORT, 'spec versions never change');
END;
CREATE TRIGGER job_specs_never_go BEFORE DELETE ON job_specs BEGIN
    SELECT RAISE(ABORT, 'spec versions never change');
END;

-- The section a question is about (`/ask 3 @scope …`, or matched by keyword).
CREATE TABLE question_sections (
    question_id  INTEGER PRIMARY KEY REFERENCES questions(id),
    section      TEXT NOT NULL
);

-- The acceptance checklist: one row per criterion.
CREATE TABLE acceptance_items (
    job_id      INTEGER NOT NULL REFERENCES jobs(id),
    item        INTEGER NOT NULL,
    text        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open','submitted','accepted','rejected')),
    evidence    TEXT,
    reason      TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (job_id, item)
) WITHOUT ROWID;

CREATE TABLE disputes (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER NOT NULL REFERENCES jobs(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    reason       TEXT NOT NULL,
    opened_at    INTEGER NOT NULL,
    resolution   TEXT CHECK (resolution IN ('accepted','reopened')),
    note         TEXT,
    resolved_at  INTEGER
);
CREATE INDEX disputes_job ON disputes(job_id) WHERE resolution IS NULL;

-- One row per job accepted with every item accepted: the delivery record's on-time rate.
CREATE TABLE deliveries (
    job_id       INTEGER PRIMARY KEY REFERENCES jobs(id),
    member_id    INTEGER NOT NULL REFERENCES members(id),
    on_time      INTEGER NOT NULL,
    accepted_at  INTEGER NOT NULL
);
CREATE INDEX deliveries_member ON deliveries(member_id);
