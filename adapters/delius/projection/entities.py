"""How each entity of the projection vocabulary is read in SQL, as JSON text.

Every entity is read with the same tables, filters, order and decoding as its
per-relation read (``adapters.delius``'s ``organisation``, ``events``, ``registrations``
and ``contacts``), so the two always agree; tests/planner holds them to it.
``statement.Statement`` assembles these into one statement. A case's contacts are read
as ``contacts`` says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from adapters.delius.events import event_order, requirement_order, sentence_order
from adapters.delius.organisation import manager_order, manager_tables
from adapters.delius.projection.base import CASES, Builder, ColumnSql, RelationSql, Scope
from adapters.delius.projection.contacts import (
    CONTACT_COLUMNS,
    CONTACT_STEMS,
    contact_page,
    next_appointment,
)
from adapters.delius.projection.json_sql import (
    NUMBER,
    event_number,
    offence_description,
    one,
    strip,
    text_literal,
)
from adapters.delius.registrations import registration_order
from adapters.projection import Relation


def _coded(
    code: Callable[[Scope], str],
    description: Callable[[Scope], str],
    *,
    decoded: bool = True,
    default: tuple[str, str] | None = None,
) -> RelationSql:
    """A code-list entry. ``decoded``: as ``decode.coded`` (code stripped, null when the
    row points at no entry, or ``default``); otherwise taken as stored."""

    def build(statement: Builder, relation: Relation, scope: Scope) -> str:
        raw_code, raw_description = code(scope), description(scope)
        shown = {"code": strip(raw_code) if decoded else raw_code, "description": raw_description}
        found = statement.object("coded", relation.fields, shown)
        if not decoded:
            return found
        otherwise = "NULL"
        if default is not None:
            fallback = {
                "code": f"{text_literal(default[0])}::text",
                "description": f"{text_literal(default[1])}::text",
            }
            otherwise = statement.object("coded", relation.fields, fallback)
        return (
            f"(CASE WHEN {raw_code} IS NULL OR {raw_description} IS NULL "
            f"THEN {otherwise} ELSE {found} END)"
        )

    return build


def _nested(entity: str, stems: Sequence[str]) -> RelationSql:
    """A related record read through aliases of the parent's row (a joined table)."""

    def build(statement: Builder, relation: Relation, scope: Scope) -> str:
        return statement.object(entity, relation.fields, {s: scope[s] for s in stems})

    return build


# -- managers: offender_manager om, staff s, grade gr, team tm, probation_area pa --------------

_MANAGER_STEMS = ("om", "s", "gr", "tm", "pa")


def _case_managers(a: Scope) -> str:
    """FROM and WHERE for the live allocations of the statement's cases."""
    om = a["om"]
    return (
        f"FROM {manager_tables(om, a['s'], a['tm'], a['pa'], a['gr'])} "
        f"WHERE {om}.offender_id = {CASES} AND {om}.soft_deleted = 0"
    )


def _current_manager(statement: Builder, relation: Relation, scope: Scope) -> str:
    """The active allocation (``managers.current_of``): the first active one in order."""
    a = statement.aliases(*_MANAGER_STEMS)
    om = a["om"]
    row = statement.object("manager", relation.fields, a)
    return statement.per_case(
        f"SELECT DISTINCT ON ({om}.offender_id) {om}.offender_id, {row} AS value "
        f"{_case_managers(a)} AND {om}.active_flag = 1 "
        f"ORDER BY {om}.offender_id, {manager_order(om)}"
    )


def _manager_history(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases(*_MANAGER_STEMS)
    return statement.array_per_case(
        statement.object("manager", relation.fields, a),
        manager_order(a["om"]),
        f"{a['om']}.offender_id",
        _case_managers(a),
    )


def _team_provider(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("pa")
    row = statement.object("provider", relation.fields, a)
    return (
        f"(SELECT {row} FROM probation_area {a['pa']} "
        f"WHERE {a['pa']}.probation_area_id = {scope['tm']}.probation_area_id "
        f"AND {a['pa']}.institution_id IS NULL)"
    )


# -- events: event e, disposal d, requirement r ------------------------------------------------


def _events(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("e")
    e = a["e"]
    active = f" AND {e}.active_flag = 1" if relation.active_only else ""
    return statement.array_per_case(
        statement.object("event", relation.fields, a),
        event_order(e),
        f"{e}.offender_id",
        f"FROM event {e} WHERE {e}.offender_id = {CASES} "
        f"AND {e}.soft_deleted = 0 AND {e}.event_number ~ {NUMBER}{active}",
    )


def _offence_rows(statement: Builder, table: str, scope: Scope) -> tuple[dict[str, str], str, str]:
    """Aliases, FROM and WHERE, and order of an event's live offences in ``table`` (the main
    or the additional ones), as ``offences_by_event`` reads them: earliest offence date
    first, then by code."""
    a = statement.aliases("mo", "ro")
    mo, ro = a["mo"], a["ro"]
    source = (
        f"FROM {table} {mo} JOIN r_offence {ro} ON {ro}.offence_id = {mo}.offence_id "
        f"WHERE {mo}.event_id = {scope['e']}.event_id AND {mo}.soft_deleted = 0"
    )
    return a, source, f"{mo}.offence_date NULLS LAST, {ro}.code"


def _main_offence(statement: Builder, relation: Relation, scope: Scope) -> str:
    """The event's main offence (``field_rules.main_offence`` over ``offences_by_event``:
    the first live main offence)."""
    a, source, order = _offence_rows(statement, "main_offence", scope)
    row = statement.object("offence", relation.fields, a)
    return f"(SELECT {row} {source} ORDER BY {order} LIMIT 1)"


def _additional_offences(statement: Builder, relation: Relation, scope: Scope) -> str:
    """The event's other offences (``field_rules.additional_offences``), in order."""
    a, source, order = _offence_rows(statement, "additional_offence", scope)
    return statement.array(statement.object("offence", relation.fields, a), order, source)


def _sentence(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("d", "dt", "u")
    d, dt, u = a["d"], a["dt"], a["u"]
    return (
        f"(SELECT {statement.object('sentence', relation.fields, a)} "
        f"FROM disposal {d} JOIN r_disposal_type {dt} "
        f"ON {dt}.disposal_type_id = {d}.disposal_type_id "
        f"LEFT JOIN r_standard_reference_list {u} "
        f"ON {u}.standard_reference_list_id = {d}.entry_length_units_id "
        f"WHERE {d}.event_id = {scope['e']}.event_id AND {d}.soft_deleted = 0 "
        f"ORDER BY {sentence_order(d)} LIMIT 1)"
    )


def _requirements(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("r", "mc", "sc", "u")
    r, mc, sc, u = a["r"], a["mc"], a["sc"], a["u"]
    active = f" AND {r}.active_flag = 1" if relation.active_only else ""
    return statement.array(
        statement.object("requirement", relation.fields, a),
        requirement_order(r),
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


def _registrations(statement: Builder, relation: Relation, scope: Scope) -> str:
    a = statement.aliases("g", "rt", "lv", "ct")
    g, rt, lv, ct = a["g"], a["rt"], a["lv"], a["ct"]
    active = f" AND {g}.deregistered <> 1" if relation.active_only else ""
    return statement.array_per_case(
        statement.object("registration", relation.fields, a),
        registration_order(g),
        f"{g}.offender_id",
        f"FROM registration {g} JOIN r_register_type {rt} "
        f"ON {rt}.register_type_id = {g}.register_type_id "
        f"LEFT JOIN r_standard_reference_list {lv} "
        f"ON {lv}.standard_reference_list_id = {g}.register_level_id "
        f"LEFT JOIN r_standard_reference_list {ct} "
        f"ON {ct}.standard_reference_list_id = {g}.register_category_id "
        f"WHERE {g}.offender_id = {CASES} AND {g}.soft_deleted = 0{active}",
    )


COLUMNS: dict[str, dict[str, ColumnSql]] = {
    "manager": {
        "allocated_on": lambda a: f"{a['om']}.allocation_date",
        "ended_on": lambda a: f"{a['om']}.end_date",
    },
    "staff": {
        "code": lambda a: strip(f"{a['s']}.officer_code"),
        "forename": lambda a: f"{a['s']}.forename",
        "surname": lambda a: f"{a['s']}.surname",
        "unallocated": lambda a: f"(right({strip(a['s'] + '.officer_code')}, 1) = 'U')",
    },
    "team": {
        "code": lambda a: strip(f"{a['tm']}.code"),
        "description": lambda a: f"{a['tm']}.description",
        "telephone": lambda a: f"NULLIF({strip(a['tm'] + '.telephone')}, '')",
    },
    "provider": {
        "code": lambda a: strip(f"{a['pa']}.code"),
        "description": lambda a: f"{a['pa']}.description",
        "is_private": lambda a: one(f"{a['pa']}.private"),
    },
    "event": {
        "number": lambda a: event_number(f"{a['e']}.event_number"),
        "active": lambda a: one(f"{a['e']}.active_flag"),
        "referral_date": lambda a: f"{a['e']}.referral_date",
        "conviction_date": lambda a: f"{a['e']}.conviction_date",
        "in_breach": lambda a: one(f"{a['e']}.in_breach"),
    },
    "offence": {
        "code": lambda a: strip(f"{a['ro']}.code"),
        "description": lambda a: offence_description(f"{a['ro']}.description"),
        "category": lambda a: f"{a['ro']}.main_category_description",
        "date": lambda a: f"{a['mo']}.offence_date",
        "count": lambda a: f"{a['mo']}.offence_count",
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
        "active": lambda a: one(f"{a['r']}.active_flag"),
    },
    "registration": {
        "colour": lambda a: f"{a['rt']}.colour",
        "registered_on": lambda a: f"{a['g']}.registration_date",
        "next_review_on": lambda a: f"{a['g']}.next_review_date",
        "review_overdue": lambda a: (
            f"COALESCE({a['g']}.deregistered = 0 "
            f"AND {a['g']}.next_review_date < CURRENT_DATE, FALSE)"
        ),
        "active": lambda a: f"(NOT {one(a['g'] + '.deregistered')})",
    },
    **CONTACT_COLUMNS,
    "coded": {"code": lambda a: a["code"], "description": lambda a: a["description"]},
}

RELATIONS: dict[str, dict[str, RelationSql]] = {
    "case": {
        "manager": _current_manager,
        "manager_history": _manager_history,
        "events": _events,
        "registrations": _registrations,
        "next_appointment": next_appointment,
        "contacts": contact_page,
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
    "event": {
        "main_offence": _main_offence,
        "additional_offences": _additional_offences,
        "sentence": _sentence,
    },
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
    "contact_edge": {"node": _nested("contact", CONTACT_STEMS)},
}
