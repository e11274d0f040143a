"""bench/RESULTS.md is one file with a section per benchmark; each run replaces its own."""

from __future__ import annotations

import re
from pathlib import Path


def replace_section(document: str, section: str, heading: str) -> str:
    """``document`` with the section under ``heading`` replaced (or appended), others kept."""
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: section + "\n", document, count=1)
    prefix = document.rstrip("\n") + "\n\n" if document.strip() else "# Benchmark results\n\n"
    return prefix + section


def write_section(results: Path, section: str, heading: str) -> None:
    """Rewrite ``results`` with only the section under ``heading`` replaced, and say so."""
    existing = results.read_text() if results.exists() else ""
    results.write_text(replace_section(existing, section, heading))
    print(f"wrote {results}", flush=True)
