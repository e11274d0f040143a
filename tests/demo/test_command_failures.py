"""Every command that cannot do its work says so in one line and exits non-zero.

No traceback, for each way a new user gets it wrong: no database, a DSN that is not one,
no signing key, a flag that does not exist. The line says what to set or run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.postgres import free_port
from tests.demo.running import casegraph, clean_env

DATABASE_COMMANDS = [
    ("migrate",),
    ("refresh-search",),
    ("audit", "--crn", "X000001"),
    ("seed", "--offenders", "5"),
    ("serve",),
]


def _env(folder: Path, dsn: str) -> dict[str, str]:
    """Nothing exported but a DSN and (for ``serve``) a JWKS file that exists."""
    jwks = folder / "jwks.json"
    jwks.write_text('{"keys": []}')
    return {**clean_env(), "CASEGRAPH_DELIUS_DSN": dsn, "CASEGRAPH_JWKS": str(jwks)}


def _one_line_failure(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = casegraph(folder, *args, env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    return result.stderr


@pytest.mark.parametrize("command", DATABASE_COMMANDS)
def test_no_database_says_where_it_looked_and_what_to_set(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    env = _env(tmp_path, f"postgresql://cg:pw@127.0.0.1:{free_port()}/nd")
    line = _one_line_failure(tmp_path, *command, env=env)
    assert line.startswith("casegraph: cannot connect to nd on 127.0.0.1:")
    assert "CASEGRAPH_DELIUS_DSN" in line
    assert "pw" not in line.replace("postgresql", "")


@pytest.mark.parametrize("command", DATABASE_COMMANDS)
def test_a_bad_dsn_is_named(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = _env(tmp_path, "mysql://nobody@nowhere/x")
    line = _one_line_failure(tmp_path, *command, env=env)
    assert line.startswith("casegraph: CASEGRAPH_DELIUS_DSN is not a usable PostgreSQL URL")


def test_missing_keys_say_how_to_make_them(tmp_path: Path) -> None:
    line = _one_line_failure(tmp_path, "token", "--user", "someone")
    assert "casegraph keys create" in line


def test_serve_without_keys_says_which_setting(tmp_path: Path) -> None:
    line = _one_line_failure(tmp_path, "serve")
    assert "CASEGRAPH_JWKS" in line
    assert "casegraph keys create" in line


def test_serve_with_a_missing_jwks_file_names_it(tmp_path: Path) -> None:
    env = {**clean_env(), "CASEGRAPH_JWKS": str(tmp_path / "nowhere.json")}
    line = _one_line_failure(tmp_path, "serve", env=env)
    assert "nowhere.json, which is not a file" in line


@pytest.mark.parametrize(
    "command",
    [("--bogus",), ("token", "--bogus"), ("audit",), ("demo", "--port", "many"), ("keys",)],
)
def test_a_bad_flag_is_one_line(tmp_path: Path, command: tuple[str, ...]) -> None:
    line = _one_line_failure(tmp_path, *command)
    assert line.startswith("casegraph")
    assert "--help" in line


def test_an_unknown_setting_is_one_line(tmp_path: Path) -> None:
    env = {**clean_env(), "CASEGRAPH_DELIUS_DNS": "postgresql://x@127.0.0.1/y"}
    line = _one_line_failure(tmp_path, "migrate", env=env)
    assert "CASEGRAPH_DELIUS_DNS" in line
