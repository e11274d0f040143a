-- Exactly-once writes: one row per (caller, idempotency key), committed in the same
-- transaction as the nDelius rows it stands for. The primary key is what makes
-- concurrent identical requests wait for the first and then replay it.
CREATE TABLE casegraph.idempotency (
    client_id        TEXT        NOT NULL,
    username         TEXT        NOT NULL,  -- lower case; '' for client-credentials callers
    idempotency_key  TEXT        NOT NULL,
    operation        TEXT        NOT NULL,
    request_hash     TEXT        NOT NULL,  -- sha256 of the canonical input
    crn              TEXT        NOT NULL,
    contact_id       BIGINT      NOT NULL,  -- CONTACT.CONTACT_ID written or updated
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT xpkidempotency PRIMARY KEY (client_id, username, idempotency_key)
);

CREATE INDEX idempotency_contact ON casegraph.idempotency (contact_id);
