"""The figures each benchmark measured, kept beside RESULTS.md for the targets table.

Every step of ``python -m bench`` writes its prose section into RESULTS.md and its numbers
into ``bench/figures.json`` under its own name; ``bench.targets`` reads them back to
judge each target. So no figure of the targets table is ever typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIGURES = Path(__file__).with_name("figures.json")


def load(path: Path = FIGURES) -> dict[str, Any]:
    """Every step's figures, by step name (empty when none has run yet)."""
    if not path.exists():
        return {}
    found: dict[str, Any] = json.loads(path.read_text())
    return found


def record(step: str, figures: dict[str, Any], path: Path = FIGURES) -> None:
    """Replace one step's figures, keeping the others'."""
    everything = load(path)
    everything[step] = figures
    path.write_text(json.dumps(everything, indent=1, sort_keys=True) + "\n")
