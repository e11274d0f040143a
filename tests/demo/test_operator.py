"""The README's "from nothing" block, run as written in a fresh folder against an empty database.

Only the two ``export`` lines naming the database and the port are given this test's own
values; every other line runs exactly as a new operator would paste it.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path

from sandbox.postgres import TemporaryPostgres, free_port
from tests.conftest import create_database
from tests.demo.running import clean_env

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = "## Serving a database of your own, from nothing"


def operator_block() -> str:
    """The bash block of the README's operator section."""
    section = README.split(SECTION, 1)[1]
    return section.split("```bash\n", 1)[1].split("```", 1)[0]


def test_the_block_starts_from_a_database_and_a_port() -> None:
    lines = operator_block().splitlines()
    assert lines[0].startswith("export CASEGRAPH_DELIUS_DSN=")
    assert lines[1].startswith("export CASEGRAPH_PORT=")
    assert "casegraph keys create" in lines


def test_a_fresh_folder_goes_from_nothing_to_a_served_graph_and_a_token(
    postgres: TemporaryPostgres, tmp_path: Path
) -> None:
    dsn = asyncio.run(create_database(postgres, "operator_from_nothing"))
    port = free_port()
    block = operator_block()
    block = re.sub(
        r"^export CASEGRAPH_DELIUS_DSN=.*$",
        f"export CASEGRAPH_DELIUS_DSN={dsn}",
        block,
        count=1,
        flags=re.M,
    )
    block = re.sub(
        r"^export CASEGRAPH_PORT=.*$", f"export CASEGRAPH_PORT={port}", block, count=1, flags=re.M
    )
    script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n" + block
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    last_line = result.stdout.strip().splitlines()[-1]
    answer = json.loads(last_line[last_line.index('{"data"') :])
    assert answer == {"data": {"me": {"username": "jbloggs", "roles": ["ROLE_CASEGRAPH_READ"]}}}
    assert (tmp_path / ".casegraph" / "keys" / "jwks.json").exists()
