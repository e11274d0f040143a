"""How a case's contacts are projected in SQL: the next appointment and the first page.

Contacts are read with the tables, filters and order of ``contacts.py``, so a projected
page equals the page its loader reads.
"""

from __future__ import annotations

from adapters.delius.contacts import (
    contact_tables,
    earliest_first,
    newest_first,
    upcoming_appointment,
)
from adapters.delius.projection.base import Builder, ColumnSql, Scope
from adapters.delius.projection.json_sql import event_number, opening_key, wall_time_sql, yes_no
from adapters.projection import NotProjectable, Relation, target

CONTACT_STEMS = ("c", "ct", "ot", "e")
"""The tables a contact is read through: contact c, type ct, outcome ot, event e."""


def _case_contacts(a: Scope, scope: Scope) -> str:
    """FROM and WHERE for the live contacts of the case in ``scope``."""
    c = a["c"]
    return (
        f"FROM {contact_tables(c, a['ct'], a['ot'], a['e'])} "
        f"WHERE {c}.offender_id = {scope['o']}.offender_id AND {c}.soft_deleted = 0"
    )


def next_appointment(statement: Builder, relation: Relation, scope: Scope) -> str:
    """The case's next appointment (``contacts.next_appointments``), or NULL."""
    a = statement.aliases(*CONTACT_STEMS)
    c = a["c"]
    return (
        f"(SELECT {statement.object('contact', relation.fields, a)} {_case_contacts(a, scope)} "
        f"AND {upcoming_appointment(c, a['ct'])} ORDER BY {earliest_first(c)} LIMIT 1)"
    )


def contact_page(statement: Builder, relation: Relation, scope: Scope) -> str:
    """The first page of a case's contacts: edges, whether there are more, and the total."""
    first = relation.first
    if first < 1:
        raise NotProjectable("contacts: first must be at least 1")
    a = statement.aliases(*CONTACT_STEMS, "page", "counted")
    c, page = a["c"], a["page"]
    edges = [f for f in relation.fields if isinstance(f, Relation) and f.name == "edges"]
    columns = [
        f"{statement.object('contact_edge', edge.fields, a)} AS edge{index}"
        for index, edge in enumerate(edges)
    ]
    aggregates = [
        f"COALESCE('[' || string_agg({page}.edge{index}, ',' ORDER BY {page}.rank) "
        f"FILTER (WHERE {page}.rank <= {first}) || ']', '[]') AS edges{index}"
        for index in range(len(edges))
    ]
    parts: list[str] = []
    for position, field in enumerate(relation.fields):
        kind = target("contact_page", field.name)
        if field.name == "edges":
            value = f"{a['counted']}.edges{edges.index(field)}"  # type: ignore[arg-type]
        elif field.name == "page_info":
            assert isinstance(field, Relation)
            fetched = {"has_next_page": f"({a['counted']}.fetched > {first})"}
            value = statement.object("page_info", field.fields, fetched)
        elif field.name == "total_count" and kind is None:
            b = statement.aliases("c", "ct")
            value = (
                f"(SELECT count(*) FROM contact {b['c']} JOIN r_contact_type {b['ct']} "
                f"ON {b['ct']}.contact_type_id = {b['c']}.contact_type_id "
                f"WHERE {b['c']}.offender_id = {scope['o']}.offender_id "
                f"AND {b['c']}.soft_deleted = 0)::text"
            )
        else:
            raise NotProjectable(f"contact_page.{field.name}")
        parts += [opening_key(position, field.key), value]
    rows = ", ".join([*columns, f"row_number() OVER (ORDER BY {newest_first(c)}) AS rank"])
    counted = ", ".join([*aggregates, "count(*) AS fetched"])
    return (
        f"(SELECT concat({', '.join(parts)}, '}}') FROM ("
        f"SELECT {counted} FROM (SELECT {rows} {_case_contacts(a, scope)} "
        f"ORDER BY {newest_first(c)} LIMIT {first + 1}) {page}) {a['counted']})"
    )


CONTACT_COLUMNS: dict[str, dict[str, ColumnSql]] = {
    "contact": {
        "id": lambda a: f"{a['c']}.contact_id::text",
        "is_appointment": lambda a: f"({a['ct']}.attendance_contact IS NOT DISTINCT FROM 'Y')",
        "date": lambda a: f"{a['c']}.contact_date",
        "start": lambda a: wall_time_sql(f"{a['c']}.contact_date", f"{a['c']}.contact_start_time"),
        "end": lambda a: wall_time_sql(f"{a['c']}.contact_date", f"{a['c']}.contact_end_time"),
        "attended": lambda a: yes_no(f"{a['c']}.attended"),
        "complied": lambda a: yes_no(f"{a['c']}.complied"),
        "sensitive": lambda a: (
            f"(COALESCE({a['c']}.sensitive, {a['ct']}.sensitive_contact) IS NOT DISTINCT FROM 'Y')"
        ),
        "event_number": lambda a: event_number(f"{a['e']}.event_number"),
        "version": lambda a: f"{a['c']}.row_version",
    },
    "page_info": {"has_next_page": lambda a: a["has_next_page"]},
}
"""The columns of a contact and of a page's ``pageInfo``."""
