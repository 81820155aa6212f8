-- A large fan-out (500 notices or more in one write) is staged in its publishing transaction: each
-- distinct message once (variants) and one narrow row per recipient, in push order. The
-- outbox lanes move a window of them into `outbox` at a time (`outbox_expand`), so the
-- publishing transaction stays short and a later reply does not queue behind the whole
-- fan-out. A batch is one staged push; its number is above every staged batch's.
CREATE TABLE outbox_staged_variants (
    batch            BIGINT NOT NULL,
    k                BIGINT NOT NULL,
    platform         TEXT NOT NULL,
    conversation     TEXT,
    payload          TEXT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    ref_key          TEXT,
    expires_at       BIGINT,
    PRIMARY KEY (batch, k)
);

CREATE TABLE outbox_staged (
    platform    TEXT NOT NULL,
    batch       BIGINT NOT NULL,
    idx         BIGINT NOT NULL,
    k           BIGINT NOT NULL,
    recipient   TEXT NOT NULL,
    dedupe_key  TEXT,
    PRIMARY KEY (platform, batch, idx)
);
