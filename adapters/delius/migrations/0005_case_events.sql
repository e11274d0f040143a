-- Case events: the feed of what changed in a case, in commit order.
--
-- Only the single capture consumer writes case_event, holding the capture lease, and it
-- numbers the rows itself (max + 1) in the order the transactions committed in nDelius.
-- A sequence is never used: in concurrent transactions a later commit could take a
-- smaller number, and a reader already past it would skip that row.
CREATE TABLE casegraph.case_event (
    position               BIGINT      PRIMARY KEY,
    event_id               UUID        NOT NULL UNIQUE,  -- derived from the change: same on a replay
    crn                    TEXT        NOT NULL,
    event_type             TEXT        NOT NULL,
    occurred_at            TIMESTAMPTZ NOT NULL,
    provider_code          TEXT        NULL,  -- provider holding the case once this happened
    previous_provider_code TEXT        NULL,  -- for a transfer: the losing provider
    envelope               JSONB       NOT NULL,  -- the HMPPS domain-event envelope as sent
    stored_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX case_event_crn ON casegraph.case_event (crn, position);
CREATE INDEX case_event_provider ON casegraph.case_event (provider_code, position);
CREATE INDEX case_event_previous_provider ON casegraph.case_event (previous_provider_code, position)
    WHERE previous_provider_code IS NOT NULL;
CREATE INDEX case_event_stored_at ON casegraph.case_event (stored_at);

-- Case Graph's own writes: one row in the write's own transaction, so the event is as
-- durable as the write. The capture sees the row in the same decoded transaction as the
-- CONTACT change and emits this event instead of the one the row change would give.
CREATE TABLE casegraph.case_event_outbox (
    outbox_id   BIGSERIAL   PRIMARY KEY,
    crn         TEXT        NOT NULL,
    event_type  TEXT        NOT NULL,
    contact_id  BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- How far the capture has stored: the end LSN of the last nDelius transaction whose
-- events are in case_event. Written in the same transaction as those events, so a
-- replay after a crash skips what is already stored even before the slot is advanced.
CREATE TABLE casegraph.case_event_capture (
    slot_name   TEXT        PRIMARY KEY,
    stored_lsn  PG_LSN      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
