-- Personal tickets (issue 12): one per registration. Looked up by the SHA-256 of the
-- normalized code; the code itself is kept so `/ticket` can send the same one again.
CREATE TABLE tickets (
    registration_id INTEGER PRIMARY KEY REFERENCES registrations(id),
    code TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    issued_at INTEGER NOT NULL
);

-- How each check-in happened: 'ticket' (an organizer scanned or typed it), 'code' (the
-- shared salon code, by the attendee), 'manual' (`/checkin <salon> <user>`), and by whom.
CREATE TABLE checkins (
    registration_id INTEGER PRIMARY KEY REFERENCES registrations(id),
    method TEXT NOT NULL CHECK (method IN ('ticket', 'code', 'manual')),
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
);
