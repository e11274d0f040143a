"""Projected reads: a case's selected relations in one statement, as JSON built by PostgreSQL.

The modules import one way, each only from those listed before it:

- ``json_sql``: SQL expressions that write JSON text and decode legacy encodings;
- ``base``: the names every entity's SQL is written against (scopes, the builder's
  interface, the statement's parameter);
- ``contacts``: how a case's contacts are read;
- ``entities``: how every other entity of the vocabulary is read;
- ``statement``: the builder, which assembles the entities into one statement;
- ``queries``: the adapter's read, one statement per projection.
"""
