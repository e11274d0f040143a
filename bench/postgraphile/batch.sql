-- How a PostGraphile team looks up a batch of cases by CRN: an indexed SQL function in a
-- schema of its own (the legacy tables are not touched), which PostGraphile exposes as the
-- root field offendersByCrns(crns: [...]). CRN is CHAR(7): comparing it with bpchar values
-- lets PostgreSQL use XIE1OFFENDER; a text comparison (what a connection filter writes)
-- casts the column and scans the table.
CREATE SCHEMA IF NOT EXISTS postgraphile_api;

CREATE OR REPLACE FUNCTION postgraphile_api.offenders_by_crns(crns text[])
RETURNS SETOF public.offender
LANGUAGE sql STABLE
AS $$
  SELECT o.* FROM public.offender o
  WHERE o.crn = ANY (crns::bpchar[]) AND o.soft_deleted = 0
$$;

-- PostGraphile prefixes functions of a second schema with its name; name it plainly.
COMMENT ON FUNCTION postgraphile_api.offenders_by_crns(text[]) IS E'@name offenders_by_crns';
