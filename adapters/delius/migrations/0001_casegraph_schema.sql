-- Case Graph's own objects live in the casegraph schema; the legacy tables are never changed.
CREATE SCHEMA IF NOT EXISTS casegraph;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA casegraph;
