-- When a delivery failed for good: `yunqi outbox failed` shows it, and the organizers'
-- daily note reports failures once (by id, see engine/failed_note.rs). Set by a trigger
-- so the dispatcher's settle statement stays as it is.
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;

CREATE TRIGGER outbox_failed_at AFTER UPDATE OF status ON outbox
WHEN NEW.status = 'failed' AND OLD.status <> 'failed'
BEGIN
    UPDATE outbox SET failed_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    WHERE id = NEW.id;
END;

-- Failed rows are few: listing them and the daily note read only this index.
CREATE INDEX outbox_failed ON outbox(id) WHERE status = 'failed';
