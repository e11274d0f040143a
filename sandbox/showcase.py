"""Pick example cases out of a seeded nDelius database, for the demo's opening message.

The case the demo opens on should show every source at once: nDelius, OASys and a CRC.
``every_source_case`` picks it once the stand-ins' data is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import asyncpg

from sandbox.crc.dataset import CrcDataset
from sandbox.oasys.dataset import OasysDataset


@dataclass(frozen=True, slots=True)
class Showcase:
    """CRNs and codes worth trying first."""

    community_crn: str | None
    custody_crn: str | None
    partner_crn: str | None
    limited_crn: str | None
    staff_code: str | None
    staff_username: str | None
    partner_candidates: tuple[str, ...] = ()
    """Active community cases held by a CRC, from which the demo opens on one every
    backend answers for (see ``sandbox.demo``)."""


_ACTIVE_CASE = """
SELECT o.crn FROM offender o
JOIN event e ON e.offender_id = o.offender_id AND e.soft_deleted = 0 AND e.active_flag = 1
JOIN disposal d ON d.event_id = e.event_id AND d.soft_deleted = 0
JOIN r_disposal_type dt ON dt.disposal_type_id = d.disposal_type_id
JOIN offender_manager om ON om.offender_id = o.offender_id AND om.active_flag = 1
     AND om.soft_deleted = 0
JOIN probation_area pa ON pa.probation_area_id = om.probation_area_id
WHERE o.soft_deleted = 0 AND o.current_exclusion = 0 AND o.current_restriction = 0
  AND dt.custodial_order = $1 AND pa.private = $2
  AND EXISTS (SELECT 1 FROM rqmnt r WHERE r.disposal_id = d.disposal_id AND r.soft_deleted = 0)
     = ($1 = 'N')
ORDER BY o.crn LIMIT $3
"""


async def showcase(dsn: str) -> Showcase:
    """A community case and a custody case held by the NPS, a CRC case, a limited case."""
    connection = await asyncpg.connect(dsn)
    try:
        community = await connection.fetchval(_ACTIVE_CASE, "N", 0, 1)
        custody = await connection.fetchval(_ACTIVE_CASE, "Y", 0, 1)
        candidates = [r["crn"] for r in await connection.fetch(_ACTIVE_CASE, "N", 1, 200)]
        limited = await connection.fetchval(
            "SELECT crn FROM offender WHERE soft_deleted = 0 AND "
            "(current_exclusion = 1 OR current_restriction = 1) ORDER BY crn LIMIT 1"
        )
        staff = await connection.fetchval(
            "SELECT s.officer_code FROM offender_manager om JOIN staff s "
            "ON s.staff_id = om.allocation_staff_id "
            "JOIN user_ u ON u.staff_id = s.staff_id WHERE om.active_flag = 1 "
            "AND om.soft_deleted = 0 AND s.officer_code NOT LIKE '%U' "
            "GROUP BY s.officer_code ORDER BY count(*) DESC, s.officer_code LIMIT 1"
        )
        username = await connection.fetchval(
            "SELECT u.distinguished_name FROM user_ u JOIN staff s ON s.staff_id = u.staff_id "
            "WHERE s.officer_code = $1",
            staff,
        )
    finally:
        await connection.close()

    def clean(value: str | None) -> str | None:
        return value.strip() if value else None

    partners = tuple(crn.strip() for crn in candidates)
    return Showcase(
        community_crn=clean(community),
        custody_crn=clean(custody),
        partner_crn=partners[0] if partners else None,
        limited_crn=clean(limited),
        staff_code=clean(staff),
        staff_username=username,
        partner_candidates=partners,
    )


def every_source_case(
    examples: Showcase, oasys: OasysDataset, crcs: Mapping[str, CrcDataset]
) -> str | None:
    """The first CRC-held case for which OASys holds a RoSH summary and predictor scores
    and the CRC holds appointments: a case whose overview has no empty panel."""
    for crn in examples.partner_candidates:
        assessed = oasys.get(crn)
        if assessed is None or assessed.rosh is None or assessed.predictors is None:
            continue
        if assessed.predictors.rsr is None or assessed.predictors.ogrs3 is None:
            continue
        if any(crn in crc.cases and crc.appointments.get(crn) for crc in crcs.values()):
            return crn
    return None
