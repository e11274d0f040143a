"""Registrations: the register entries (risk flags) on a case, live and deregistered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.delius import decode
from adapters.delius.database import Database
from adapters.records import CodedValue, RegistrationRecord


def registration_order(rg: str) -> str:
    """A case's registrations: newest first."""
    return f"{rg}.registration_date DESC, {rg}.registration_id"


_REGISTRATIONS = f"""
SELECT rg.registration_id, rg.offender_id, rt.code, rt.description, rt.colour,
       lv.code_value AS level_code, lv.code_description AS level_description,
       ct.code_value AS category_code, ct.code_description AS category_description,
       rg.registration_date, rg.next_review_date, rg.deregistered,
       (rg.deregistered = 0 AND rg.next_review_date < CURRENT_DATE) AS review_overdue
FROM registration rg
JOIN r_register_type rt ON rt.register_type_id = rg.register_type_id
LEFT JOIN r_standard_reference_list lv ON lv.standard_reference_list_id = rg.register_level_id
LEFT JOIN r_standard_reference_list ct ON ct.standard_reference_list_id = rg.register_category_id
WHERE rg.offender_id = ANY($1::bigint[]) AND rg.soft_deleted = 0
ORDER BY rg.offender_id, {registration_order("rg")}
"""


class RegistrationQueries:
    """Reads of registrations."""

    _db: Database

    async def registrations_by_offender(
        self, offender_ids: Sequence[int]
    ) -> Mapping[int, tuple[RegistrationRecord, ...]]:
        """Every live registration of each case (deregistered ones included), newest first."""
        grouped: dict[int, list[RegistrationRecord]] = {}
        for row in await self._db.fetch(_REGISTRATIONS, list(offender_ids)):
            grouped.setdefault(row["offender_id"], []).append(
                RegistrationRecord(
                    id=row["registration_id"],
                    offender_id=row["offender_id"],
                    type=CodedValue(code=row["code"], description=row["description"]),
                    colour=row["colour"],
                    level=decode.coded(row["level_code"], row["level_description"]),
                    category=decode.coded(row["category_code"], row["category_description"]),
                    registered_on=row["registration_date"],
                    next_review_on=row["next_review_date"],
                    review_overdue=bool(row["review_overdue"]),
                    active=not decode.one(row["deregistered"]),
                )
            )
        return {key: tuple(value) for key, value in grouped.items()}
