-- A message not sent by this time is recorded as expired instead (a salon reminder after
-- the salon has started). Milliseconds since the epoch, like every time in the outbox.
ALTER TABLE outbox ADD COLUMN expires_at INTEGER;
