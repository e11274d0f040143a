-- The audit trail, partitioned by month of occurred_at so an insert touches one month's
-- indexes and old months can be detached for archive (never deleted). Rows of the
-- unpartitioned table move across; ids keep their sequence. A DEFAULT partition takes
-- any row outside the months created ahead, so an audit write never fails for want of one.
ALTER TABLE casegraph.audit_event RENAME TO audit_event_unpartitioned;
ALTER INDEX casegraph.audit_event_pkey RENAME TO audit_event_unpartitioned_pkey;
ALTER INDEX casegraph.audit_event_crn RENAME TO audit_event_unpartitioned_crn;
ALTER INDEX casegraph.audit_event_correlation RENAME TO audit_event_unpartitioned_correlation;
ALTER SEQUENCE casegraph.audit_event_audit_event_id_seq OWNED BY NONE;

CREATE TABLE casegraph.audit_event (
    LIKE casegraph.audit_event_unpartitioned INCLUDING DEFAULTS,
    PRIMARY KEY (audit_event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);
ALTER SEQUENCE casegraph.audit_event_audit_event_id_seq OWNED BY casegraph.audit_event.audit_event_id;

CREATE INDEX audit_event_crn ON casegraph.audit_event (crn, occurred_at);
CREATE INDEX audit_event_correlation ON casegraph.audit_event (correlation_id);
CREATE TABLE casegraph.audit_event_default PARTITION OF casegraph.audit_event DEFAULT;

-- One partition per UTC month, named audit_event_pYYYYMM, from the month of `since`
-- through the month of `through`; months that exist (or were detached) are left alone.
CREATE FUNCTION casegraph.create_audit_partitions(since TIMESTAMPTZ, through TIMESTAMPTZ)
RETURNS SETOF TEXT LANGUAGE plpgsql AS $$
DECLARE
    month TIMESTAMP := date_trunc('month', since AT TIME ZONE 'UTC');
    name  TEXT;
BEGIN
    WHILE month <= through AT TIME ZONE 'UTC' LOOP
        name := 'audit_event_p' || to_char(month, 'YYYYMM');
        IF to_regclass('casegraph.' || name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE casegraph.%I PARTITION OF casegraph.audit_event'
                ' FOR VALUES FROM (%L) TO (%L)',
                name, month AT TIME ZONE 'UTC', (month + INTERVAL '1 month') AT TIME ZONE 'UTC');
            RETURN NEXT name;
        END IF;
        month := month + INTERVAL '1 month';
    END LOOP;
END $$;

-- Detach (never drop) the monthly partitions that end on or before `before`: each stays
-- a plain table in the casegraph schema, ready to archive.
CREATE FUNCTION casegraph.detach_audit_partitions(before TIMESTAMPTZ)
RETURNS SETOF TEXT LANGUAGE plpgsql AS $$
DECLARE
    name TEXT;
BEGIN
    FOR name IN
        SELECT c.relname FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'casegraph.audit_event'::regclass
          AND c.relname ~ '^audit_event_p[0-9]{6}$'
          AND to_date(substr(c.relname, 14), 'YYYYMM') + INTERVAL '1 month'
              <= before AT TIME ZONE 'UTC'
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE casegraph.audit_event DETACH PARTITION casegraph.%I', name);
        RETURN NEXT name;
    END LOOP;
END $$;

SELECT casegraph.create_audit_partitions(
    LEAST(now(), (SELECT min(occurred_at) FROM casegraph.audit_event_unpartitioned)),
    now() + INTERVAL '3 months');

INSERT INTO casegraph.audit_event SELECT * FROM casegraph.audit_event_unpartitioned;
DROP TABLE casegraph.audit_event_unpartitioned;
