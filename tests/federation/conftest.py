"""Fixtures shared by the federation tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.federation.references import Keys, known_keys


@pytest.fixture(scope="module")
async def keys(sql: Any) -> Keys:
    """Keys and expected values read straight from the seeded legacy tables."""
    return await known_keys(sql)
