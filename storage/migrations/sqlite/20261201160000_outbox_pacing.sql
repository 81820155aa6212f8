-- The dispatcher reads pending rows oldest first and stops at its page size: walking them
-- in id order needs no sort of every due row (10,000 after a fan-out) on each read.
CREATE INDEX outbox_pending_order ON outbox(platform, id) WHERE status = 'pending';
