"""The OASys and CRC stand-ins over the session's seeded nDelius, shared by these tests."""

from __future__ import annotations

from tests.api.test_backends_degrade import crcs, oasys

__all__ = ["crcs", "oasys"]
