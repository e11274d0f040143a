-- Person search: a materialised copy of the searchable parts of live OFFENDER rows, with a
-- trigram index for fuzzy names. Refreshed by `casegraph refresh-search` and by the API on a
-- timer (CASEGRAPH_SEARCH_REFRESH_SECONDS); results are re-checked against OFFENDER at query
-- time, so a case deleted since the last refresh never shows.
CREATE MATERIALIZED VIEW casegraph.person_search AS
SELECT o.offender_id,
       o.crn,
       lower(concat_ws(' ', o.first_name, o.second_name, o.surname)) AS search_name,
       o.date_of_birth_date AS date_of_birth,
       upper(btrim(o.pnc_number)) AS pnc_number,
       upper(btrim(o.noms_number)) AS noms_number
FROM offender o
WHERE o.soft_deleted = 0;

CREATE UNIQUE INDEX person_search_offender ON casegraph.person_search (offender_id);
CREATE INDEX person_search_name ON casegraph.person_search
    USING gin (search_name casegraph.gin_trgm_ops);
CREATE INDEX person_search_dob ON casegraph.person_search (date_of_birth);
CREATE INDEX person_search_pnc ON casegraph.person_search (pnc_number);
CREATE INDEX person_search_noms ON casegraph.person_search (noms_number);
