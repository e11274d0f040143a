-- Webhook deliveries of case events to each CRC partner system.
--
-- webhook_partner holds, per partner, how far the case-event feed (casegraph.case_event.position)
-- has been fanned out into that partner's queue. One process at a time advances it: the row is
-- taken with FOR UPDATE SKIP LOCKED, so several Case Graph processes share the work.
CREATE TABLE casegraph.webhook_partner (
    provider_code   TEXT        PRIMARY KEY,
    fanned_out_to   BIGINT      NOT NULL,  -- last feed position examined for this partner
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per (partner, event) the partner is to receive. A row is claimed with
-- FOR UPDATE SKIP LOCKED for the length of one HTTP attempt, so a crashed sender's claim is
-- released with its connection and the event is sent again (same webhook-id). A case's next
-- event waits while an earlier one of the same case is still pending: order per case.
CREATE TABLE casegraph.webhook_delivery (
    provider_code   TEXT        NOT NULL,
    position        BIGINT      NOT NULL,  -- casegraph.case_event.position
    event_id        UUID        NOT NULL,
    crn             TEXT        NOT NULL,
    event_type      TEXT        NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    enqueued_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at    TIMESTAMPTZ,
    CONSTRAINT xpkwebhook_delivery PRIMARY KEY (provider_code, position)
);

CREATE INDEX webhook_delivery_pending
    ON casegraph.webhook_delivery (provider_code, position) WHERE status = 'pending';
CREATE INDEX webhook_delivery_pending_case
    ON casegraph.webhook_delivery (provider_code, crn, position) WHERE status = 'pending';
CREATE INDEX webhook_delivery_dead
    ON casegraph.webhook_delivery (provider_code, position) WHERE status = 'dead';
