-- Feedback after a salon (issue 12): one row per salon and member, inserted when the member
-- is first asked (in the transaction that queues the question), so nobody is asked twice.
-- rating and comment arrive later; done_at marks the suggestion given or skipped.
CREATE TABLE feedback (
    salon_id   BIGINT NOT NULL REFERENCES salons(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    asked_at   BIGINT NOT NULL,
    rating     BIGINT CHECK (rating BETWEEN 1 AND 5),
    rated_at   BIGINT,
    comment    TEXT,
    done_at    BIGINT,
    PRIMARY KEY (salon_id, member_id)
);
