-- Per-part delivery progress of a message split into parts: a retry goes on from the
-- first part not delivered, and every delivered part's platform id is kept (JSON array).
ALTER TABLE outbox ADD COLUMN parts_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN part_ids TEXT;
