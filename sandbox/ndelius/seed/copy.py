"""Column orders for every seeded table, and the COPY and sequence plumbing.

Generators build plain tuples in exactly these column orders; ``copy_rows`` sends them
with COPY in parent-before-child order, so foreign keys hold at every step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]

_AUDIT = ("row_version", "soft_deleted", "created_by_user_id", "created_datetime",
          "last_updated_user_id", "last_updated_datetime")  # fmt: skip
_LAO_AUDIT = ("row_version", "created_by_user_id", "created_datetime",
              "last_updated_user_id", "last_updated_datetime")  # fmt: skip

ORGANISATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "probation_area": ("probation_area_id", "code", "description", "private", "start_date"),
    "borough": ("borough_id", "code", "description", "probation_area_id"),
    "district": ("district_id", "code", "description", "borough_id"),
    "team": ("team_id", "code", "description", "district_id", "probation_area_id", "telephone",
             "unpaid_work_team", "private", "start_date"),
    "staff": ("staff_id", "officer_code", "forename", "forename2", "surname", "staff_grade_id",
              "probation_area_id", "private", "start_date"),
    "staff_team": ("staff_id", "team_id"),
    "office_location": ("office_location_id", "code", "description", "building_name",
                        "building_number", "street_name", "town_city", "postcode",
                        "telephone_number", "probation_area_id", "start_date"),
    "user_": ("user_id", "distinguished_name", "forename", "surname", "staff_id", "private"),
    "probation_area_user": ("user_id", "probation_area_id"),
    "court": ("court_id", "code", "court_name", "town", "postcode", "probation_area_id"),
}  # fmt: skip

CASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "offender": ("offender_id", "crn", "title_id", "first_name", "second_name", "third_name",
                 "surname", "preferred_name", "date_of_birth_date", "gender_id", "ethnicity_id",
                 "language_id", "interpreter_required", "pnc_number", "cro_number",
                 "noms_number", "ni_number", "telephone_number", "mobile_number",
                 "e_mail_address", "allow_sms", "current_tier", "current_highest_risk_colour",
                 "current_disposal", "current_exclusion", "current_restriction",
                 "exclusion_message", "restriction_message", "organisations", *_AUDIT),
    "alias": ("alias_id", "offender_id", "first_name", "second_name", "surname",
              "date_of_birth_date", "gender_id", *_AUDIT),
    "offender_address": ("offender_address_id", "offender_id", "address_status_id",
                         "start_date", "end_date", "no_fixed_abode", "building_name",
                         "address_number", "street_name", "district", "town_city", "county",
                         "postcode", "telephone_number", *_AUDIT),
    "offender_manager": ("offender_manager_id", "offender_id", "allocation_date", "end_date",
                         "allocation_staff_id", "team_id", "probation_area_id",
                         "allocation_reason_id", "active_flag", *_AUDIT),
    "exclusion": ("exclusion_id", "offender_id", "user_id", "exclusion_date",
                  "exclusion_end_time", *_LAO_AUDIT),
    "restriction": ("restriction_id", "offender_id", "user_id", "restriction_date",
                    "restriction_time", "restriction_end_time", *_LAO_AUDIT),
    "event": ("event_id", "offender_id", "event_number", "referral_date", "conviction_date",
              "court_id", "in_breach", "breach_end", "ftc_count", "notes", "active_flag",
              *_AUDIT),
    "main_offence": ("main_offence_id", "event_id", "offender_id", "offence_id", "offence_date",
                     "offence_count", "tics", *_AUDIT),
    "additional_offence": ("additional_offence_id", "event_id", "offence_id", "offence_date",
                           "offence_count", *_AUDIT),
    "court_appearance": ("court_appearance_id", "event_id", "offender_id", "court_id",
                         "appearance_date", "appearance_type_id", "plea_id", "outcome_id",
                         *_AUDIT),
    "disposal": ("disposal_id", "event_id", "offender_id", "disposal_type_id", "disposal_date",
                 "length", "entry_length_units_id", "notional_end_date",
                 "entered_notional_end_date", "termination_date", "upw", "value",
                 "active_flag", *_AUDIT),
    "rqmnt": ("rqmnt_id", "disposal_id", "offender_id", "rqmnt_type_main_category_id",
              "rqmnt_type_sub_category_id", "start_date", "commencement_date",
              "expected_start_date", "expected_end_date", "termination_date", "length",
              "rar_count", "active_flag", *_AUDIT),
    "custody": ("custody_id", "disposal_id", "offender_id", "custodial_status_id",
                "status_change_date", "prisoner_number", "institution_id", "establishment",
                "location_change_date", "pss_start_date", *_AUDIT),
    "key_date": ("key_date_id", "custody_id", "key_date_type_id", "key_date", *_AUDIT),
    "contact": ("contact_id", "offender_id", "contact_type_id", "contact_date",
                "contact_start_time", "contact_end_time", "contact_outcome_type_id", "attended",
                "complied", "sensitive", "rar_activity", "notes", "external_reference",
                "probation_area_id", "team_id", "staff_id", "office_location_id", "event_id",
                "rqmnt_id", *_AUDIT),
    "registration": ("registration_id", "offender_id", "register_type_id", "registration_date",
                     "next_review_date", "register_level_id", "register_category_id",
                     "registering_team_id", "registering_staff_id", "contact_id",
                     "deregistered", "registration_notes", *_AUDIT),
    "deregistration": ("deregistration_id", "registration_id", "offender_id",
                       "deregistration_date", "deregistering_team_id",
                       "deregistering_staff_id", "contact_id", *_AUDIT),
}  # fmt: skip

# Each table's key column, whose <column>_SEQ must move past the seeded ids.
SEQUENCE_KEYS: dict[str, str] = {
    table: columns[0]
    for table, columns in {**ORGANISATION_COLUMNS, **CASE_COLUMNS}.items()
    if columns[0].endswith("_id") and table not in {"staff_team", "probation_area_user"}
}

ALL_TABLES = (*ORGANISATION_COLUMNS, *CASE_COLUMNS)


def empty_rows(tables: Sequence[str]) -> Rows:
    """A fresh row buffer with one list per table."""
    return {table: [] for table in tables}


async def copy_rows(
    connection: asyncpg.Connection,
    rows: Mapping[str, Sequence[Row]],
    columns: Mapping[str, tuple[str, ...]],
    shift_days: int = 0,
) -> None:
    """COPY every non-empty table of ``rows``, in the order of ``columns``.

    ``shift_days`` moves every date and time by that many days (a seed for another
    "today"), except dummy-dated times of day, whose 1970-01-01 date part means nothing.
    """
    for table, names in columns.items():
        records = rows.get(table)
        if records:
            if shift_days:
                records = [_shifted(record, timedelta(days=shift_days)) for record in records]
            await connection.copy_records_to_table(table, records=records, columns=names)


def _shifted(record: Row, delta: timedelta) -> Row:
    return tuple(
        value + delta
        if isinstance(value, date) and not (isinstance(value, datetime) and value.year == 1970)
        else value
        for value in record
    )


async def skip_foreign_key_checks(connection: asyncpg.Connection) -> bool:
    """Turn off per-row foreign-key triggers for this session, when allowed (superuser).

    The seed builds every reference consistently, and the per-row checks would cost
    several times the load itself; tests verify every foreign key afterwards. Without
    the privilege the load simply runs with the checks.
    """
    try:
        await connection.execute("SET session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        return False
    return True


async def advance_sequences(connection: asyncpg.Connection) -> None:
    """Move each ``<key>_SEQ`` past the largest seeded id, so nextval() never collides."""
    for table, key in SEQUENCE_KEYS.items():
        await connection.execute(
            f"SELECT setval('{key}_seq', m) FROM (SELECT max({key}) AS m FROM {table}) s "
            "WHERE m IS NOT NULL"
        )
