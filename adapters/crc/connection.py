"""How to reach one CRC: base URL and client credentials, with the secret kept out of reprs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CrcConnection:
    """One CRC partner system; ``base_url`` includes the base path (``.../partner/v1``)."""

    provider_code: str
    base_url: str
    client_id: str
    client_secret: str = field(repr=False)

    @property
    def source(self) -> str:
        """The name errors carry for this CRC, e.g. ``crc:C01``."""
        return f"crc:{self.provider_code}"
