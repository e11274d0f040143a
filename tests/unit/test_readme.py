"""The README documents every setting and starts with the two commands."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from api.settings import PREFIX, Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_settings_table() -> None:
    for setting in fields(Settings):
        name = f"`{PREFIX}{setting.name.upper()}`"
        assert name in README, name


def test_the_first_lines_are_the_demo_and_the_tests() -> None:
    block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "casegraph demo" in block
    assert ".ci/run" in block
