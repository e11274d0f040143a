"""Events (court referrals), their offences, sentences, requirements and custody."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from adapters.delius import decode
from adapters.delius.database import Database
from adapters.records import (
    CodedValue,
    CustodyRecord,
    EventRecord,
    KeyDateRecord,
    OffenceRecord,
    RequirementRecord,
    SentenceRecord,
)


def event_order(e: str) -> str:
    """A case's events: newest referral first."""
    return f"{e}.referral_date DESC, {e}.event_id"


def sentence_order(d: str) -> str:
    """An event's live disposals, the one that stands first: active, then the latest."""
    return f"{d}.active_flag DESC, {d}.disposal_date DESC, {d}.disposal_id DESC"


def requirement_order(r: str) -> str:
    """A sentence's requirements, in start order."""
    return f"{r}.start_date, {r}.rqmnt_id"


_EVENTS = f"""
SELECT e.event_id, e.offender_id, e.event_number, e.active_flag, e.referral_date,
       e.conviction_date, e.in_breach
FROM event e
WHERE e.offender_id = ANY($1::bigint[]) AND e.soft_deleted = 0
ORDER BY e.offender_id, {event_order("e")}
"""

_OFFENCES = """
SELECT mo.event_id, TRUE AS main, r.code, r.description, r.main_category_description,
       mo.offence_date, mo.offence_count
FROM main_offence mo JOIN r_offence r ON r.offence_id = mo.offence_id
WHERE mo.event_id = ANY($1::bigint[]) AND mo.soft_deleted = 0
UNION ALL
SELECT ao.event_id, FALSE, r.code, r.description, r.main_category_description,
       ao.offence_date, ao.offence_count
FROM additional_offence ao JOIN r_offence r ON r.offence_id = ao.offence_id
WHERE ao.event_id = ANY($1::bigint[]) AND ao.soft_deleted = 0
ORDER BY 1, 2 DESC, 6 NULLS LAST, 3
"""

# At most one disposal per event; should legacy data hold two live ones, the active,
# latest one wins.
_SENTENCES = f"""
SELECT DISTINCT ON (d.event_id)
       d.disposal_id, d.event_id, dt.disposal_type_code, dt.description, d.disposal_date,
       d.length, u.code_description AS units,
       COALESCE(d.entered_notional_end_date, d.notional_end_date) AS expected_end_date,
       d.termination_date
FROM disposal d
JOIN r_disposal_type dt ON dt.disposal_type_id = d.disposal_type_id
LEFT JOIN r_standard_reference_list u ON u.standard_reference_list_id = d.entry_length_units_id
WHERE d.event_id = ANY($1::bigint[]) AND d.soft_deleted = 0
ORDER BY d.event_id, {sentence_order("d")}
"""

_REQUIREMENTS = f"""
SELECT r.rqmnt_id, r.disposal_id, mc.code AS category_code, mc.description AS category_description,
       sc.code_value AS sub_code, sc.code_description AS sub_description, r.length,
       u.code_description AS units, r.start_date, r.termination_date, r.active_flag
FROM rqmnt r
LEFT JOIN r_rqmnt_type_main_category mc
       ON mc.rqmnt_type_main_category_id = r.rqmnt_type_main_category_id
LEFT JOIN r_standard_reference_list sc
       ON sc.standard_reference_list_id = r.rqmnt_type_sub_category_id
LEFT JOIN r_standard_reference_list u ON u.standard_reference_list_id = mc.units_id
WHERE r.disposal_id = ANY($1::bigint[]) AND r.soft_deleted = 0
ORDER BY r.disposal_id, {requirement_order("r")}
"""

_CUSTODY = """
SELECT c.custody_id, c.disposal_id, st.code_value AS status_code,
       st.code_description AS status_description, i.description AS institution,
       kt.code_value AS key_date_code, kt.code_description AS key_date_description, k.key_date
FROM custody c
JOIN r_standard_reference_list st ON st.standard_reference_list_id = c.custodial_status_id
LEFT JOIN r_institution i
       ON i.institution_id = c.institution_id AND i.establishment = c.establishment
LEFT JOIN key_date k ON k.custody_id = c.custody_id AND k.soft_deleted = 0
LEFT JOIN r_standard_reference_list kt ON kt.standard_reference_list_id = k.key_date_type_id
WHERE c.disposal_id = ANY($1::bigint[]) AND c.soft_deleted = 0
ORDER BY c.disposal_id, c.custody_id, k.key_date
"""

_CODE_SUFFIX = re.compile(r"\s+-\s+\w+$")

NOT_RECORDED = CodedValue(code="", description="Not recorded")


def _offence_description(description: str) -> str:
    """nDelius appends " - <code>" to offence descriptions; the graph shows the code apart."""
    return _CODE_SUFFIX.sub("", description)


class EventQueries:
    """Reads of events and everything hanging off them."""

    _db: Database

    async def events_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[EventRecord, ...]]:
        """Every live event of each case, newest referral first."""
        grouped: dict[int, list[EventRecord]] = {}
        for row in await self._db.fetch(_EVENTS, list(offender_ids)):
            number = decode.event_number(row["event_number"])
            if number is None:
                continue
            grouped.setdefault(row["offender_id"], []).append(
                EventRecord(
                    id=row["event_id"],
                    offender_id=row["offender_id"],
                    number=number,
                    active=decode.one(row["active_flag"]),
                    referral_date=row["referral_date"],
                    conviction_date=row["conviction_date"],
                    in_breach=decode.one(row["in_breach"]),
                )
            )
        return {key: tuple(value) for key, value in grouped.items()}

    async def offences_by_event(
        self, event_ids: Sequence[int]
    ) -> Mapping[int, tuple[OffenceRecord, ...]]:
        """Live offences of each event: the main offence first, then additional ones."""
        grouped: dict[int, list[OffenceRecord]] = {}
        for row in await self._db.fetch(_OFFENCES, list(event_ids)):
            grouped.setdefault(row["event_id"], []).append(
                OffenceRecord(
                    event_id=row["event_id"],
                    main=row["main"],
                    code=row["code"].strip(),
                    description=_offence_description(row["description"]),
                    category=row["main_category_description"],
                    date=row["offence_date"],
                    count=row["offence_count"],
                )
            )
        return {key: tuple(value) for key, value in grouped.items()}

    async def sentences_by_event(self, event_ids: Sequence[int]) -> Mapping[int, SentenceRecord]:
        """The live sentence (disposal) of each sentenced event."""
        return {
            row["event_id"]: SentenceRecord(
                id=row["disposal_id"],
                event_id=row["event_id"],
                type=CodedValue(code=row["disposal_type_code"], description=row["description"]),
                date=row["disposal_date"],
                length=row["length"],
                length_units=row["units"],
                expected_end_date=row["expected_end_date"],
                termination_date=row["termination_date"],
            )
            for row in await self._db.fetch(_SENTENCES, list(event_ids))
        }

    async def requirements_by_sentence(
        self, sentence_ids: Sequence[int]
    ) -> Mapping[int, tuple[RequirementRecord, ...]]:
        """Live requirements of each sentence, in start order."""
        grouped: dict[int, list[RequirementRecord]] = {}
        for row in await self._db.fetch(_REQUIREMENTS, list(sentence_ids)):
            category = decode.coded(row["category_code"], row["category_description"])
            grouped.setdefault(row["disposal_id"], []).append(
                RequirementRecord(
                    id=row["rqmnt_id"],
                    sentence_id=row["disposal_id"],
                    category=category or NOT_RECORDED,
                    sub_category=decode.coded(row["sub_code"], row["sub_description"]),
                    length=row["length"],
                    length_units=row["units"],
                    start_date=row["start_date"],
                    termination_date=row["termination_date"],
                    active=decode.one(row["active_flag"]),
                )
            )
        return {key: tuple(value) for key, value in grouped.items()}

    async def custody_by_sentence(self, sentence_ids: Sequence[int]) -> Mapping[int, CustodyRecord]:
        """The live custody record of each custodial sentence, with its key dates."""
        found: dict[int, CustodyRecord] = {}
        key_dates: dict[int, list[KeyDateRecord]] = {}
        for row in await self._db.fetch(_CUSTODY, list(sentence_ids)):
            sentence_id = row["disposal_id"]
            if sentence_id not in found:
                status = decode.coded(row["status_code"], row["status_description"])
                found[sentence_id] = CustodyRecord(
                    id=row["custody_id"],
                    sentence_id=sentence_id,
                    status=status or NOT_RECORDED,
                    institution=row["institution"],
                    key_dates=(),
                )
                key_dates[sentence_id] = []
            elif found[sentence_id].id != row["custody_id"]:
                continue  # a second live custody row: the first (lowest id) stands
            key_type = decode.coded(row["key_date_code"], row["key_date_description"])
            if key_type is not None and row["key_date"] is not None:
                key_dates[sentence_id].append(KeyDateRecord(type=key_type, date=row["key_date"]))
        return {
            sentence_id: replace(custody, key_dates=tuple(key_dates[sentence_id]))
            for sentence_id, custody in found.items()
        }
