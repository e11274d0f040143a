"""Projected reads: a case's selected relations in one statement, as JSON built by PostgreSQL.

Each entity of ``adapters.projection.VOCABULARY`` is read here with the same tables,
filters, order and decoding as its per-relation read (organisation.py, events.py,
registrations.py, contacts.py), so the two always agree; the tests hold them to it.

PostgreSQL writes the JSON as compact text (``to_json`` for each value, concatenated), the
exact bytes a standard encoder gives for the same values, so callers can pass it on
unparsed. Statements are built once per projection and cached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import orjson

from adapters.delius.database import Database
from adapters.projection import (
    MAY_BE_MISSING,
    CaseProjection,
    Column,
    Field,
    NotProjectable,
    ProjectedCase,
    Relation,
    target,
)

_MAX_FIELDS = 48  # concat() takes at most 100 arguments, two per field

MISSING = '"\\u001fcasegraph:missing\\u001f"'
"""What a relation of ``MAY_BE_MISSING`` reads as when it has no row: a JSON string no
column can hold unless its text holds the same control characters (and then the case is
merely read the slower way)."""

_WHITESPACE = r"E' \t\n\r\f\v'"
_NUMBER = r"'^\s*[0-9]{1,9}\s*$'"
_TIME_OF_DAY = "COALESCE({c}.contact_start_time::time, TIME '00:00')"
_NEWEST_FIRST = f"{{c}}.contact_date DESC, {_TIME_OF_DAY} DESC, {{c}}.contact_id DESC"


def _strip(expression: str) -> str:
    """Python's ``str.strip()`` of a CHAR(n) or VARCHAR value."""
    return f"btrim({expression}::text, {_WHITESPACE})"


def _one(expression: str) -> str:
    """A SMALLINT 0/1 flag as a boolean (NULL reads as false)."""
    return f"({expression} IS NOT DISTINCT FROM 1)"


def _yes_no(expression: str) -> str:
    """A CHAR(1) Y/N flag; anything else stays unknown."""
    return f"(CASE {expression} WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE END)"


def _event_number(expression: str) -> str:
    """EVENT_NUMBER as an integer; a non-numeric legacy value reads as null."""
    return (
        f"(CASE WHEN {expression} ~ {_NUMBER} THEN substring({expression} from '[0-9]+')::int END)"
    )


def wall_time_sql(day: str, time_part: str) -> str:
    """A contact instant as Python's ``datetime.combine(day, time, LONDON).isoformat()``.

    London's offset is +01:00 exactly when it was +01:00 one hour before the wall time
    read as UTC: that picks the offset before a clock change for the hour the change
    repeats or skips, as Python's ``fold=0`` does. The times are TIMESTAMP(0): no fraction.
    """
    wall = f"({day} + {time_part}::time)"
    before = f"(({wall} - INTERVAL '1 hour') AT TIME ZONE 'UTC')"
    summer = (
        f"(({before} AT TIME ZONE 'Europe/London') - ({before} AT TIME ZONE 'UTC')"
        " = INTERVAL '1 hour')"
    )
    return (
        f"(CASE WHEN {time_part} IS NOT NULL THEN "
        f"to_char({wall}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN {summer} THEN '+01:00' ELSE '+00:00' END END)"
    )


Scope = Mapping[str, str]
"""The aliases (or, for a code-list entry, the expressions) one row is read through."""

ColumnSql = Callable[[Scope], str]
RelationSql = Callable[["_Statement", Relation, Scope], str]


class _Statement:
    """Builds one statement; every table gets an alias of its own."""

    def __init__(self) -> None:
        self._count = 0

    def aliases(self, *stems: str) -> dict[str, str]:
        """Fresh aliases for the tables of one subquery, by stem."""
        self._count += 1
        return {stem: f"{stem}{self._count}" for stem in stems}

    def object(self, entity: str, fields: Sequence[Field], scope: Scope) -> str:
        """The JSON text of ``fields`` of one row of ``entity``, keys in the given order."""
        if len(fields) > _MAX_FIELDS:
            raise NotProjectable(f"{entity}: more than {_MAX_FIELDS} fields")
        if not fields:
            return "'{}'"
        parts: list[str] = []
        for index, field in enumerate(fields):
            parts += [_key(index, field.key), self.value(entity, field, scope)]
        return f"concat({', '.join(parts)}, '}}')"

    def value(self, entity: str, field: Field, scope: Scope) -> str:
        """One field's JSON text, never NULL."""
        kind = target(entity, field.name)
        if isinstance(field, Column):
            if kind is not None:
                raise NotProjectable(f"{entity}.{field.name} is a relation")
            return _json(_COLUMNS[entity][field.name](scope))
        if kind is None:
            raise NotProjectable(f"{entity}.{field.name} is a column")
        absent = _text(MISSING) if (entity, field.name) in MAY_BE_MISSING else "'null'"
        return f"COALESCE({_RELATIONS[entity][field.name](self, field, scope)}, {absent})"

    def array(self, element: str, order: str, source: str) -> str:
        """A JSON array of ``element`` over ``source`` rows; ``[]`` when there are none."""
        return (
            f"(SELECT COALESCE('[' || string_agg({element}, ',' ORDER BY {order}) || ']', '[]') "
            f"{source})"
        )


def _key(position: int, key: str) -> str:
    """The SQL literal that opens an object's field: ``{"key":`` first, ``,"key":`` after."""
    return _text(("{" if position == 0 else ",") + orjson.dumps(key).decode() + ":")


def _json(expression: str) -> str:
    """A value's JSON text (``null`` for NULL)."""
    return f"COALESCE(to_json({expression})::text, 'null')"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _coded(
    code: Callable[[Scope], str],
    description: Callable[[Scope], str],
    *,
    decoded: bool = True,
    default: tuple[str, str] | None = None,
) -> RelationSql:
    """A code-list entry. ``decoded``: as ``decode.coded`` (code stripped, null when the
    row points at no entry, or ``default``); otherwise taken as stored."""

    def build(statement: _Statement, relation: Relation, scope: Scope) -> str:
        raw_code, raw_description = code(scope), description(scope)
        shown = {"code": _strip(raw_code) if decoded else raw_code, "description": raw_description}
        found = statement.object("coded", relation.fields, shown)
        if not decoded:
            return found
        otherwise = "NULL"
        if default is not None:
            fallback = {
                "code": f"{_text(default[0])}::text",
                "description": f"{_text(default[1])}::text",
            }
            otherwise = statement.object("coded", relation.fields, fallback)
        return (
            f"(CASE WHEN {raw_code} IS NULL OR {raw_description} IS NULL "
            f"THEN {otherwise} ELSE {found} END)"
        )

    return build


def _nested(entity: str, stems: Sequence[str]) -> RelationSql:
    """A related record read through aliases of the parent's row (a joined table)."""

    def build(statement: _Statement, relation: Relation, scope: Scope) -> str:
        return statement.object(entity, relation.fields, {s: scope[s] for s in stems})

    return build


# -- managers: offender_manager om, staff s, grade gr, team tm, probation_area pa --------------

_MANAGER_FROM = """
FROM offender_manager {om}
JOIN staff {s} ON {s}.staff_id = {om}.allocation_staff_id
JOIN team {tm} ON {tm}.team_id = {om}.team_id
JOIN probation_area {pa} ON {pa}.probation_area_id = {om}.probation_area_id
LEFT JOIN r_standard_reference_list {gr} ON {gr}.standard_reference_list_id = {s}.staff_grade_id
WHERE {om}.offender_id = {o}.offender_id AND {om}.soft_deleted = 0"""
_MANAGER_STEMS = ("om", "s", "gr", "tm", "pa")


def _current_manager(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases(*_MANAGER_STEMS)
    row = statement.object("manager", relation.fields, a)
    source = _MANAGER_FROM.format(o=scope["o"], **a)
    return (
        f"(SELECT {row} {source} AND {a['om']}.active_flag = 1 "
        f"ORDER BY {a['om']}.allocation_date DESC, {a['om']}.offender_manager_id DESC LIMIT 1)"
    )


def _manager_history(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases(*_MANAGER_STEMS)
    om = a["om"]
    return statement.array(
        statement.object("manager", relation.fields, a),
        f"{om}.active_flag DESC, {om}.allocation_date DESC, {om}.offender_manager_id DESC",
        _MANAGER_FROM.format(o=scope["o"], **a),
    )


def _team_provider(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("pa")
    row = statement.object("provider", relation.fields, a)
    return (
        f"(SELECT {row} FROM probation_area {a['pa']} "
        f"WHERE {a['pa']}.probation_area_id = {scope['tm']}.probation_area_id "
        f"AND {a['pa']}.institution_id IS NULL)"
    )


# -- events: event e, disposal d, requirement r ------------------------------------------------


def _events(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("e")
    e = a["e"]
    active = f" AND {e}.active_flag = 1" if relation.active_only else ""
    return statement.array(
        statement.object("event", relation.fields, a),
        f"{e}.referral_date DESC, {e}.event_id",
        f"FROM event {e} WHERE {e}.offender_id = {scope['o']}.offender_id "
        f"AND {e}.soft_deleted = 0 AND {e}.event_number ~ {_NUMBER}{active}",
    )


def _sentence(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("d", "dt", "u")
    d, dt, u = a["d"], a["dt"], a["u"]
    return (
        f"(SELECT {statement.object('sentence', relation.fields, a)} "
        f"FROM disposal {d} JOIN r_disposal_type {dt} "
        f"ON {dt}.disposal_type_id = {d}.disposal_type_id "
        f"LEFT JOIN r_standard_reference_list {u} "
        f"ON {u}.standard_reference_list_id = {d}.entry_length_units_id "
        f"WHERE {d}.event_id = {scope['e']}.event_id AND {d}.soft_deleted = 0 "
        f"ORDER BY {d}.active_flag DESC, {d}.disposal_date DESC, {d}.disposal_id DESC LIMIT 1)"
    )


def _requirements(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("r", "mc", "sc", "u")
    r, mc, sc, u = a["r"], a["mc"], a["sc"], a["u"]
    active = f" AND {r}.active_flag = 1" if relation.active_only else ""
    return statement.array(
        statement.object("requirement", relation.fields, a),
        f"{r}.start_date, {r}.rqmnt_id",
        f"FROM rqmnt {r} "
        f"LEFT JOIN r_rqmnt_type_main_category {mc} "
        f"ON {mc}.rqmnt_type_main_category_id = {r}.rqmnt_type_main_category_id "
        f"LEFT JOIN r_standard_reference_list {sc} "
        f"ON {sc}.standard_reference_list_id = {r}.rqmnt_type_sub_category_id "
        f"LEFT JOIN r_standard_reference_list {u} "
        f"ON {u}.standard_reference_list_id = {mc}.units_id "
        f"WHERE {r}.disposal_id = {scope['d']}.disposal_id AND {r}.soft_deleted = 0{active}",
    )


# -- registrations: registration g, type rt, level lv, category ct -----------------------------


def _registrations(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("g", "rt", "lv", "ct")
    g, rt, lv, ct = a["g"], a["rt"], a["lv"], a["ct"]
    active = f" AND {g}.deregistered <> 1" if relation.active_only else ""
    return statement.array(
        statement.object("registration", relation.fields, a),
        f"{g}.registration_date DESC, {g}.registration_id",
        f"FROM registration {g} JOIN r_register_type {rt} "
        f"ON {rt}.register_type_id = {g}.register_type_id "
        f"LEFT JOIN r_standard_reference_list {lv} "
        f"ON {lv}.standard_reference_list_id = {g}.register_level_id "
        f"LEFT JOIN r_standard_reference_list {ct} "
        f"ON {ct}.standard_reference_list_id = {g}.register_category_id "
        f"WHERE {g}.offender_id = {scope['o']}.offender_id AND {g}.soft_deleted = 0{active}",
    )


# -- contacts: contact c, type ct, outcome ot, event e -----------------------------------------

_CONTACT_FROM = """
FROM contact {c}
JOIN r_contact_type {ct} ON {ct}.contact_type_id = {c}.contact_type_id
LEFT JOIN r_contact_outcome_type {ot} ON {ot}.contact_outcome_type_id = {c}.contact_outcome_type_id
LEFT JOIN event {e} ON {e}.event_id = {c}.event_id AND {e}.soft_deleted = 0
WHERE {c}.offender_id = {o}.offender_id AND {c}.soft_deleted = 0"""
_CONTACT_STEMS = ("c", "ct", "ot", "e")


def _next_appointment(statement: _Statement, relation: Relation, scope: Scope) -> str:
    a = statement.aliases(*_CONTACT_STEMS)
    c, ct = a["c"], a["ct"]
    return (
        f"(SELECT {statement.object('contact', relation.fields, a)} "
        f"{_CONTACT_FROM.format(o=scope['o'], **a)} "
        f"AND {ct}.attendance_contact = 'Y' AND {c}.contact_outcome_type_id IS NULL "
        f"AND ({c}.contact_date > CURRENT_DATE OR ({c}.contact_date = CURRENT_DATE "
        f"AND ({c}.contact_start_time IS NULL OR {c}.contact_start_time::time >= LOCALTIME))) "
        f"ORDER BY {c}.contact_date, {_TIME_OF_DAY.format(c=c)}, {c}.contact_id LIMIT 1)"
    )


def _contact_page(statement: _Statement, relation: Relation, scope: Scope) -> str:
    """The first page of a case's contacts: edges, whether there are more, and the total."""
    first = relation.first
    if first < 1:
        raise NotProjectable("contacts: first must be at least 1")
    a = statement.aliases(*_CONTACT_STEMS, "page", "counted")
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
        parts += [_key(position, field.key), value]
    newest_first = _NEWEST_FIRST.format(c=c)
    rows = ", ".join([*columns, f"row_number() OVER (ORDER BY {newest_first}) AS rank"])
    counted = ", ".join([*aggregates, "count(*) AS fetched"])
    return (
        f"(SELECT concat({', '.join(parts)}, '}}') FROM ("
        f"SELECT {counted} FROM (SELECT {rows} {_CONTACT_FROM.format(o=scope['o'], **a)} "
        f"ORDER BY {newest_first} LIMIT {first + 1}) {page}) {a['counted']})"
    )


_COLUMNS: dict[str, dict[str, ColumnSql]] = {
    "manager": {
        "allocated_on": lambda a: f"{a['om']}.allocation_date",
        "ended_on": lambda a: f"{a['om']}.end_date",
    },
    "staff": {
        "code": lambda a: _strip(f"{a['s']}.officer_code"),
        "forename": lambda a: f"{a['s']}.forename",
        "surname": lambda a: f"{a['s']}.surname",
        "unallocated": lambda a: f"(right({_strip(a['s'] + '.officer_code')}, 1) = 'U')",
    },
    "team": {
        "code": lambda a: _strip(f"{a['tm']}.code"),
        "description": lambda a: f"{a['tm']}.description",
        "telephone": lambda a: f"NULLIF({_strip(a['tm'] + '.telephone')}, '')",
    },
    "provider": {
        "code": lambda a: _strip(f"{a['pa']}.code"),
        "description": lambda a: f"{a['pa']}.description",
        "is_private": lambda a: _one(f"{a['pa']}.private"),
    },
    "event": {
        "number": lambda a: _event_number(f"{a['e']}.event_number"),
        "active": lambda a: _one(f"{a['e']}.active_flag"),
        "referral_date": lambda a: f"{a['e']}.referral_date",
        "conviction_date": lambda a: f"{a['e']}.conviction_date",
        "in_breach": lambda a: _one(f"{a['e']}.in_breach"),
    },
    "sentence": {
        "date": lambda a: f"{a['d']}.disposal_date",
        "length": lambda a: f"{a['d']}.length",
        "length_units": lambda a: f"{a['u']}.code_description",
        "expected_end_date": lambda a: (
            f"COALESCE({a['d']}.entered_notional_end_date, {a['d']}.notional_end_date)"
        ),
        "termination_date": lambda a: f"{a['d']}.termination_date",
    },
    "requirement": {
        "length": lambda a: f"{a['r']}.length",
        "length_units": lambda a: f"{a['u']}.code_description",
        "start_date": lambda a: f"{a['r']}.start_date",
        "termination_date": lambda a: f"{a['r']}.termination_date",
        "active": lambda a: _one(f"{a['r']}.active_flag"),
    },
    "registration": {
        "colour": lambda a: f"{a['rt']}.colour",
        "registered_on": lambda a: f"{a['g']}.registration_date",
        "next_review_on": lambda a: f"{a['g']}.next_review_date",
        "review_overdue": lambda a: (
            f"COALESCE({a['g']}.deregistered = 0 "
            f"AND {a['g']}.next_review_date < CURRENT_DATE, FALSE)"
        ),
        "active": lambda a: f"(NOT {_one(a['g'] + '.deregistered')})",
    },
    "contact": {
        "id": lambda a: f"{a['c']}.contact_id::text",
        "is_appointment": lambda a: f"({a['ct']}.attendance_contact IS NOT DISTINCT FROM 'Y')",
        "date": lambda a: f"{a['c']}.contact_date",
        "start": lambda a: wall_time_sql(f"{a['c']}.contact_date", f"{a['c']}.contact_start_time"),
        "end": lambda a: wall_time_sql(f"{a['c']}.contact_date", f"{a['c']}.contact_end_time"),
        "attended": lambda a: _yes_no(f"{a['c']}.attended"),
        "complied": lambda a: _yes_no(f"{a['c']}.complied"),
        "sensitive": lambda a: (
            f"(COALESCE({a['c']}.sensitive, {a['ct']}.sensitive_contact) IS NOT DISTINCT FROM 'Y')"
        ),
        "event_number": lambda a: _event_number(f"{a['e']}.event_number"),
        "version": lambda a: f"{a['c']}.row_version",
    },
    "page_info": {"has_next_page": lambda a: a["has_next_page"]},
    "coded": {"code": lambda a: a["code"], "description": lambda a: a["description"]},
}

_RELATIONS: dict[str, dict[str, RelationSql]] = {
    "case": {
        "manager": _current_manager,
        "manager_history": _manager_history,
        "events": _events,
        "registrations": _registrations,
        "next_appointment": _next_appointment,
        "contacts": _contact_page,
    },
    "manager": {
        "staff": _nested("staff", ("s", "gr")),
        "team": _nested("team", ("tm",)),
        "provider": _nested("provider", ("pa",)),
    },
    "staff": {
        "grade": _coded(lambda a: f"{a['gr']}.code_value", lambda a: f"{a['gr']}.code_description")
    },
    "team": {"provider": _team_provider},
    "event": {"sentence": _sentence},
    "sentence": {
        "type": _coded(
            lambda a: f"{a['dt']}.disposal_type_code",
            lambda a: f"{a['dt']}.description",
            decoded=False,
        ),
        "requirements": _requirements,
    },
    "requirement": {
        "category": _coded(
            lambda a: f"{a['mc']}.code",
            lambda a: f"{a['mc']}.description",
            default=("", "Not recorded"),
        ),
        "sub_category": _coded(
            lambda a: f"{a['sc']}.code_value", lambda a: f"{a['sc']}.code_description"
        ),
    },
    "registration": {
        "type": _coded(
            lambda a: f"{a['rt']}.code", lambda a: f"{a['rt']}.description", decoded=False
        ),
        "level": _coded(lambda a: f"{a['lv']}.code_value", lambda a: f"{a['lv']}.code_description"),
        "category": _coded(
            lambda a: f"{a['ct']}.code_value", lambda a: f"{a['ct']}.code_description"
        ),
    },
    "contact": {
        "type": _coded(
            lambda a: f"{a['ct']}.code", lambda a: f"{a['ct']}.description", decoded=False
        ),
        "outcome": _coded(lambda a: f"{a['ot']}.code", lambda a: f"{a['ot']}.description"),
    },
    "contact_edge": {"node": _nested("contact", _CONTACT_STEMS)},
}


@lru_cache(maxsize=256)
def projection_statement(projection: CaseProjection) -> str:
    """The one statement that reads ``projection`` for every case in ``$1``.

    Raises NotProjectable for a field the vocabulary does not have.
    """
    statement = _Statement()
    values = [statement.value("case", field, {"o": "o"}) for field in projection.fields]
    return (
        f"SELECT o.offender_id, {', '.join(values)} FROM offender o "
        "WHERE o.offender_id = ANY($1::bigint[])"
    )


class ProjectionQueries:
    """Reads of many cases' selected relations, one statement per projection."""

    _db: Database

    async def case_projections(
        self, offender_ids: Sequence[int], projection: CaseProjection
    ) -> Mapping[int, ProjectedCase]:
        """Each case's projected fields as compact JSON texts, in the projection's order."""
        rows = await self._db.fetch(projection_statement(projection), list(offender_ids))
        return {row[0]: projected_case(tuple(row[1:])) for row in rows}


def projected_case(values: tuple[str, ...]) -> ProjectedCase:
    """A case's projected texts; incomplete when a relation the graph promises had no row."""
    complete = not any(_MISSING_MARK in value for value in values)
    return ProjectedCase(values=values, complete=complete)


_MISSING_MARK = MISSING[1:-1]
