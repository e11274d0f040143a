"""Stand-ins for the CRC case-management systems, serving the partner API (partner-api.yaml)."""

from sandbox.crc.app import CrcStandIn
from sandbox.crc.dataset import CrcDataset, build_datasets
from sandbox.crc.delius import facts_from_delius
from sandbox.crc.facts import (
    AppointmentFacts,
    CrcCaseFacts,
    PractitionerFacts,
    TeamFacts,
    UnpaidWorkFacts,
)
from sandbox.crc.servers import CrcInstance, CrcServers, start_crc_servers
from sandbox.crc.tokens import ClientCredentials

__all__ = [
    "AppointmentFacts",
    "ClientCredentials",
    "CrcCaseFacts",
    "CrcDataset",
    "CrcInstance",
    "CrcServers",
    "CrcStandIn",
    "PractitionerFacts",
    "TeamFacts",
    "UnpaidWorkFacts",
    "build_datasets",
    "facts_from_delius",
    "start_crc_servers",
]
