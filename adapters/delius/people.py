"""The person on probation: the live OFFENDER row, addresses, and limited-access checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

from adapters.delius import decode
from adapters.delius.database import Database
from adapters.records import AccessRecord, AddressRecord, CaseRecord

CASE_COLUMNS = """
    o.offender_id, o.crn, o.first_name, o.second_name, o.third_name, o.surname,
    o.preferred_name, o.date_of_birth_date, o.pnc_number, o.noms_number, o.cro_number,
    o.current_exclusion, o.current_restriction, o.exclusion_message, o.restriction_message,
    g.code_value AS gender_code, g.code_description AS gender_description,
    t.code_value AS tier_code, t.code_description AS tier_description
"""

CASE_JOINS = """
    LEFT JOIN r_standard_reference_list g ON g.standard_reference_list_id = o.gender_id
    LEFT JOIN r_standard_reference_list t ON t.standard_reference_list_id = o.current_tier
"""

_ADDRESSES = """
SELECT a.offender_address_id, a.offender_id, a.building_name, a.address_number, a.street_name,
       a.district, a.town_city, a.county, a.postcode, a.no_fixed_abode, a.start_date, a.end_date,
       s.code_value, s.code_description,
       (a.end_date IS NULL OR a.end_date > CURRENT_DATE) AS current
FROM offender_address a
JOIN r_standard_reference_list s ON s.standard_reference_list_id = a.address_status_id
WHERE a.offender_id = ANY($1::bigint[]) AND a.soft_deleted = 0
ORDER BY a.offender_id, a.start_date DESC, a.offender_address_id
"""


# Limited access, as nDelius defines it: an active EXCLUSION for (offender, user) hides the
# case from that user; any active RESTRICTION hides it from every user not listed. A row is
# active while its end time is NULL or in the future. Users are matched on
# DISTINGUISHED_NAME ignoring case. A caller with no user (an empty name, never matched
# to a USER_ row, even one with a blank name), or a user unknown to USER_, is denied on
# any case with an active exclusion or restriction (fail closed).
def _limited_access_sql(offender_ids: str, source: str, alias: str, first: str = "") -> str:
    """The access query over ``offender_ids`` (SQL giving the ids) for the rows of
    ``source`` (a FROM item with an ``offender_id`` column, named ``alias``); ``first`` may
    name a CTE of its own for them. The user's name is always ``$2``."""
    return f"""
WITH {first}me AS (
    SELECT user_id FROM user_ WHERE $2::text <> '' AND lower(distinguished_name) = lower($2::text)
), active_exclusion AS (
    SELECT offender_id, user_id FROM exclusion
    WHERE offender_id IN ({offender_ids})
      AND (exclusion_end_time IS NULL OR exclusion_end_time > LOCALTIMESTAMP)
), active_restriction AS (
    SELECT offender_id, user_id FROM restriction
    WHERE offender_id IN ({offender_ids})
      AND (restriction_end_time IS NULL OR restriction_end_time > LOCALTIMESTAMP)
)
SELECT {alias}.*,
       CASE WHEN EXISTS (SELECT 1 FROM me)
            THEN EXISTS (SELECT 1 FROM active_exclusion x JOIN me ON me.user_id = x.user_id
                         WHERE x.offender_id = {alias}.offender_id)
            ELSE EXISTS (SELECT 1 FROM active_exclusion x WHERE x.offender_id = {alias}.offender_id)
       END AS excluded,
       EXISTS (SELECT 1 FROM active_restriction r WHERE r.offender_id = {alias}.offender_id)
       AND NOT EXISTS (SELECT 1 FROM active_restriction r JOIN me ON me.user_id = r.user_id
                       WHERE r.offender_id = {alias}.offender_id) AS restricted
FROM {source}
"""


_ACCESS = _limited_access_sql(
    "SELECT unnest($1::bigint[])", "unnest($1::bigint[]) AS o(offender_id)", "o"
)

# The case and the caller's limited-access standing on it, in one round trip (the
# benchmark's audited floor runs it too).
CASES_WITH_ACCESS_SQL = _limited_access_sql(
    "SELECT offender_id FROM found",
    "found",
    "found",
    first=f"""found AS (
    SELECT {CASE_COLUMNS} FROM offender o {CASE_JOINS}
    WHERE o.crn = ANY($1::bpchar[]) AND o.soft_deleted = 0
), """,
)


def _access_record(row: asyncpg.Record) -> AccessRecord:
    return AccessRecord(
        offender_id=row["offender_id"], excluded=row["excluded"], restricted=row["restricted"]
    )


def case_record(row: asyncpg.Record) -> CaseRecord:
    """Decode a row selected with ``CASE_COLUMNS``."""
    middle = tuple(
        n for n in (decode.text(row["second_name"]), decode.text(row["third_name"])) if n
    )
    return CaseRecord(
        offender_id=row["offender_id"],
        crn=row["crn"].strip(),
        forename=row["first_name"],
        middle_names=middle,
        surname=row["surname"],
        preferred_name=decode.text(row["preferred_name"]),
        date_of_birth=row["date_of_birth_date"],
        gender=decode.coded(row["gender_code"], row["gender_description"]),
        pnc_number=decode.text(row["pnc_number"]),
        noms_number=decode.text(row["noms_number"]),
        cro_number=decode.text(row["cro_number"]),
        tier=decode.tier(row["tier_code"], row["tier_description"]),
        has_exclusions=decode.one(row["current_exclusion"]),
        has_restrictions=decode.one(row["current_restriction"]),
        exclusion_message=decode.text(row["exclusion_message"]),
        restriction_message=decode.text(row["restriction_message"]),
    )


class PeopleQueries:
    """Reads of the person: cases by CRN, addresses, limited access."""

    _db: Database

    async def addresses_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[AddressRecord, ...]]:
        """Every live address of each case, newest first."""
        rows = await self._db.fetch(_ADDRESSES, list(offender_ids))
        grouped: dict[int, list[AddressRecord]] = {}
        for row in rows:
            status = decode.coded(row["code_value"], row["code_description"])
            assert status is not None
            grouped.setdefault(row["offender_id"], []).append(
                AddressRecord(
                    id=row["offender_address_id"],
                    offender_id=row["offender_id"],
                    building_name=decode.text(row["building_name"]),
                    address_number=decode.text(row["address_number"]),
                    street_name=decode.text(row["street_name"]),
                    district=decode.text(row["district"]),
                    town=decode.text(row["town_city"]),
                    county=decode.text(row["county"]),
                    postcode=decode.text(row["postcode"]),
                    no_fixed_abode=decode.yes(row["no_fixed_abode"]),
                    status=status,
                    start_date=row["start_date"],
                    end_date=row["end_date"],
                    current=row["current"],
                )
            )
        return {key: tuple(value) for key, value in grouped.items()}

    async def access_for_user(
        self, offender_ids: Sequence[int], username: str | None
    ) -> Mapping[int, AccessRecord]:
        """Limited-access decisions for one user (None: a caller with no user) on many cases."""
        rows = await self._db.fetch(_ACCESS, list(offender_ids), username or "")
        return {row["offender_id"]: _access_record(row) for row in rows}

    async def cases_with_access(
        self, crns: Sequence[str], username: str | None
    ) -> Mapping[str, tuple[CaseRecord, AccessRecord]]:
        """The live case for each CRN found, with one user's limited-access standing on it."""
        rows = await self._db.fetch(CASES_WITH_ACCESS_SQL, list(crns), username or "")
        found = ((case_record(row), _access_record(row)) for row in rows)
        return {case.crn: (case, access) for case, access in found}
