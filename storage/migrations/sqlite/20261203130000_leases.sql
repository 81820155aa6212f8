-- Leases (issue 16): a named right (`leader`, `lane:<platform>`) held by one replica until
-- `until_ms`; renewed by its holder, taken over by another once it runs out.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until_ms BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL
);

-- Outbox row claims: the replica delivering a row and until when; a claim that ran out
-- (its replica died mid-delivery) no longer holds the row. Settling clears it.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
CREATE INDEX outbox_claimed ON outbox(platform, claimed_by) WHERE status = 'pending' AND claimed_by IS NOT NULL;
