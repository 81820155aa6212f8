-- Times are Unix milliseconds (UTC).

CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    name        TEXT,
    phone       TEXT,
    position    TEXT,
    years       INTEGER,
    locale      TEXT NOT NULL DEFAULT 'zh',
    created_at  INTEGER NOT NULL
);

CREATE TABLE accounts (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;
CREATE INDEX accounts_member ON accounts(member_id);

CREATE TABLE link_codes (
    code        TEXT PRIMARY KEY,
    member_id   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dialogues (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;

-- held/pending/waitlisted are kept by the triggers below; the CHECK makes overbooking
-- impossible whatever the code above does.
CREATE TABLE salons (
    id            INTEGER PRIMARY KEY,
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    venue_zh      TEXT NOT NULL,
    venue_en      TEXT NOT NULL,
    agenda_zh     TEXT NOT NULL,
    agenda_en     TEXT NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    timezone      TEXT NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity >= 0),
    min_years     INTEGER NOT NULL DEFAULT 0,
    auto_approve  INTEGER NOT NULL DEFAULT 0,
    group_link    TEXT,
    checkin_code  TEXT,
    settled       INTEGER NOT NULL DEFAULT 0,
    held          INTEGER NOT NULL DEFAULT 0,
    pending       INTEGER NOT NULL DEFAULT 0,
    waitlisted    INTEGER NOT NULL DEFAULT 0,
    CHECK (held <= capacity)
);
CREATE INDEX salons_start ON salons(starts_at);
CREATE INDEX salons_checkin ON salons(checkin_code) WHERE checkin_code IS NOT NULL;

CREATE TABLE registrations (
    id             INTEGER PRIMARY KEY,
    salon_id       INTEGER NOT NULL REFERENCES salons(id),
    member_id      INTEGER NOT NULL REFERENCES members(id),
    platform       TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending','approved','waitlisted','offered','rejected','cancelled','checked_in','no_show')),
    created_at     INTEGER NOT NULL,
    offered_until  INTEGER,
    reason         TEXT
);
CREATE INDEX registrations_salon_status ON registrations(salon_id, status, id);
CREATE INDEX registrations_member ON registrations(member_id, salon_id, id);
CREATE INDEX registrations_offers ON registrations(offered_until) WHERE status = 'offered';

CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations BEGIN
    UPDATE salons SET
        held       = held + (NEW.status IN ('approved','offered','checked_in')),
        pending    = pending + (NEW.status = 'pending'),
        waitlisted = waitlisted + (NEW.status = 'waitlisted')
    WHERE id = NEW.salon_id;
END;

CREATE TRIGGER registrations_count_update AFTER UPDATE OF status ON registrations
WHEN OLD.status <> NEW.status BEGIN
    UPDATE salons SET
        held       = held + (NEW.status IN ('approved','offered','checked_in')) - (OLD.status IN ('approved','offered','checked_in')),
        pending    = pending + (NEW.status = 'pending') - (OLD.status = 'pending'),
        waitlisted = waitlisted + (NEW.status = 'waitlisted') - (OLD.status = 'waitlisted')
    WHERE id = NEW.salon_id;
END;

-- Who decided what, when, why. Append only.
CREATE TABLE decisions (
    id               INTEGER PRIMARY KEY,
    registration_id  INTEGER NOT NULL REFERENCES registrations(id),
    actor            TEXT NOT NULL,
    action           TEXT NOT NULL,
    reason           TEXT,
    at               INTEGER NOT NULL
);
CREATE INDEX decisions_registration ON decisions(registration_id);

CREATE TABLE reminders (
    registration_id  INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    at               INTEGER NOT NULL,
    PRIMARY KEY (registration_id, kind)
) WITHOUT ROWID;

-- Platform event ids already handled: a retry has no second effect.
CREATE TABLE inbound_events (
    platform  TEXT NOT NULL,
    event_id  TEXT NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (platform, event_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
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
    dedupe_key       TEXT UNIQUE
);
CREATE INDEX outbox_due ON outbox(platform, next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_pending_recipient ON outbox(platform, recipient, next_attempt_at) WHERE status = 'pending';

CREATE TABLE kv (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
