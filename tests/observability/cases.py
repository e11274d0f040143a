"""Cases every backend knows, and the overview query that reaches all of them."""

from __future__ import annotations

from sandbox.crc import CrcServers
from sandbox.oasys.server import OasysServer

OVERVIEW = """query CaseOverview($crn: ID!) { case(crn: $crn) {
  crn name { forename surname } dateOfBirth events { number }
  riskOfSeriousHarm { overallRiskLevel } predictorScores { ogrs { band } }
  partner { status provider { code } practitioner { code } unpaidWork { hoursOrdered } }
} }"""


def crns_known_everywhere(oasys: OasysServer, crcs: CrcServers, per_crc: int = 2) -> list[str]:
    """CRNs held by a CRC (``per_crc`` from each) that OASys has assessed."""
    found: list[str] = []
    for code in sorted(crcs.instances):
        held = sorted(crcs.instances[code].stand_in.dataset.cases)
        found.extend([crn for crn in held if oasys.state.dataset.get(crn)][:per_crc])
    assert found, "no CRC-held case has an OASys assessment: the seed is too small"
    return found
