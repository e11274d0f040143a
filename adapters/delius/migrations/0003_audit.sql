-- The audit trail: one row per (request, CRN) touched, written before the response leaves.
CREATE TABLE casegraph.audit_event (
    audit_event_id  BIGSERIAL PRIMARY KEY,
    occurred_at     TIMESTAMPTZ NOT NULL,
    username        TEXT,
    client_id       TEXT        NOT NULL,
    provider        TEXT,
    operation_name  TEXT,
    document_hash   TEXT        NOT NULL,
    crn             TEXT        NOT NULL,
    outcome         TEXT        NOT NULL,
    correlation_id  TEXT        NOT NULL
);

CREATE INDEX audit_event_crn ON casegraph.audit_event (crn, occurred_at);
CREATE INDEX audit_event_correlation ON casegraph.audit_event (correlation_id);
