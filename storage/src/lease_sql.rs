//! The lease and claim statements, kept in one place so the PostgreSQL store runs the
//! same text: `$n` parameters (SQLite numbers them by first appearance, so each appears
//! first in order), `ON CONFLICT … DO UPDATE … WHERE`, `RETURNING`, integer milliseconds.
//! Where the dialects differ (a list of ids) both texts are here.

/// Takes or renews a lease: inserted when absent; updated when the row is the holder's
/// own (renewal) or ran out (`until_ms <= now`). No row back: another holder has it.
/// $1 name, $2 holder, $3 until, $4 now.
pub const ACQUIRE: &str = "INSERT INTO leases (name, holder, until_ms, acquired_at) VALUES ($1, $2, $3, $4)
 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms,
   acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
 WHERE leases.holder = excluded.holder OR leases.until_ms <= excluded.acquired_at
 RETURNING holder";

/// $1 name, $2 holder.
pub const RELEASE: &str = "DELETE FROM leases WHERE name = $1 AND holder = $2";

/// $1 name, $2 now.
pub const HOLDER: &str = "SELECT holder, until_ms FROM leases WHERE name = $1 AND until_ms > $2";

/// SQLite: claims due rows by id (a JSON array). A recipient with a running claim by
/// another holder is left out whole, so one holder at a time sends to a chat. The check
/// walks the recipient's own pending rows (`INDEXED BY`): left to itself SQLite walked
/// `outbox_claimed`, every claimed row of the platform for each id (120 ms for 64 ids
/// with 3,000 rows claimed, against 1 ms).
/// $1 platform, $2 holder, $3 ids (JSON), $4 now, $5 until.
pub const CLAIM_SQLITE: &str = "UPDATE outbox SET claimed_by = $2, lease_until = $5
 WHERE id IN (SELECT value FROM json_each($3)) AND status = 'pending' AND platform = $1
   AND (claimed_by IS NULL OR claimed_by = $2 OR lease_until <= $4)
   AND NOT EXISTS (SELECT 1 FROM outbox c INDEXED BY outbox_pending_recipient WHERE c.status = 'pending' AND c.platform = outbox.platform
                   AND c.recipient = outbox.recipient AND c.claimed_by IS NOT NULL
                   AND c.claimed_by <> $2 AND c.lease_until > $4)
 RETURNING id";

/// PostgreSQL: first, in the same transaction, claims on a platform are serialized
/// (two claims reading "no other holder has this recipient" at once would both pass
/// under READ COMMITTED); $1 platform.
pub const CLAIM_LOCK_PG: &str = "SELECT pg_advisory_xact_lock(hashtext('outbox_claim:' || $1))";

/// PostgreSQL: the claim itself. `FOR UPDATE SKIP LOCKED` passes over rows another
/// transaction holds (being settled) instead of waiting for them.
/// $1 platform, $2 holder, $3 ids (BIGINT[]), $4 now, $5 until.
pub const CLAIM_PG: &str = "WITH c AS (
   SELECT o.id FROM outbox o
   WHERE o.id = ANY($3) AND o.status = 'pending' AND o.platform = $1
     AND (o.claimed_by IS NULL OR o.claimed_by = $2 OR o.lease_until <= $4)
     AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.status = 'pending' AND p.platform = o.platform
                     AND p.recipient = o.recipient AND p.claimed_by IS NOT NULL
                     AND p.claimed_by <> $2 AND p.lease_until > $4)
   ORDER BY o.id
   FOR UPDATE OF o SKIP LOCKED)
 UPDATE outbox SET claimed_by = $2, lease_until = $5 FROM c WHERE outbox.id = c.id
 RETURNING outbox.id";

/// SQLite: $1 holder, $2 ids (JSON).
pub const UNCLAIM_SQLITE: &str = "UPDATE outbox SET claimed_by = NULL, lease_until = NULL
 WHERE claimed_by = $1 AND id IN (SELECT value FROM json_each($2))";

/// PostgreSQL: $1 holder, $2 ids (BIGINT[]).
pub const UNCLAIM_PG: &str = "UPDATE outbox SET claimed_by = NULL, lease_until = NULL
 WHERE claimed_by = $1 AND id = ANY($2)";

/// $1 platform, $2 holder, $3 until.
pub const RENEW_CLAIMS: &str = "UPDATE outbox SET lease_until = $3
 WHERE status = 'pending' AND platform = $1 AND claimed_by = $2";
