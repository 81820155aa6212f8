-- Tickets are found by their code, indexed as is (issue 15). The plain code was always
-- stored beside its SHA-256, so the hash hid nothing; and a hash scatters a write group's
-- new tickets over the whole index, one page each, where codes that begin with their
-- registration's block (`bot/src/ticket.rs`) land side by side. Old codes keep working.
CREATE TABLE tickets_by_code (
    registration_id INTEGER PRIMARY KEY REFERENCES registrations(id),
    code TEXT NOT NULL UNIQUE,
    issued_at INTEGER NOT NULL
);
INSERT INTO tickets_by_code (registration_id, code, issued_at)
    SELECT registration_id, code, issued_at FROM tickets ORDER BY registration_id;
DROP TABLE tickets;
ALTER TABLE tickets_by_code RENAME TO tickets;
