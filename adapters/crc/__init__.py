"""Adapter for the CRC partner systems (partner-api.yaml): one HTTP client per CRC."""

from adapters.crc.client import CrcClient
from adapters.crc.connection import CrcConnection
from adapters.crc.port import CrcPort
from adapters.crc.records import (
    PartnerAppointmentRecord,
    PartnerCaseRecord,
    PartnerInterventionRecord,
    PractitionerRecord,
    UnpaidWorkRecord,
)

__all__ = [
    "CrcClient",
    "CrcConnection",
    "CrcPort",
    "PartnerAppointmentRecord",
    "PartnerCaseRecord",
    "PartnerInterventionRecord",
    "PractitionerRecord",
    "UnpaidWorkRecord",
]
