"""The ``casegraph`` command: demo, serve, seed, migrate, refresh-search, schema, token, audit,
keys, deliveries.

Commands that need the nDelius database use ``CASEGRAPH_DELIUS_DSN`` when it is set, else
the database of the demo running from this folder (``api.local_demo``). Every failure is
one line on stderr and a non-zero exit (``api.cli_errors``).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import uvicorn

from api.cli_errors import CommandError, explain, where
from api.cli_setup import check_before_serving, keys_create
from api.deliveries_cli import add_deliveries_command
from api.local_demo import command_dsn
from api.metrics_dir import metrics_shared_by_workers
from api.settings import Settings, SettingsError


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    args.resolved_dsn = settings.delius_dsn.value
    check_before_serving(settings)
    if args.migrate:
        from adapters.delius.migrate import migrate

        asyncio.run(migrate(settings.delius_dsn.value))
    with metrics_shared_by_workers(args.workers):
        _run_uvicorn(args, settings)
    return 0


def _run_uvicorn(args: argparse.Namespace, settings: Settings) -> None:
    uvicorn.run(
        "api.app:app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
        log_config=None,  # the app's own scrubbed handler (api/logs.py) writes every line
        proxy_headers=False,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_seconds),  # after api/drain.py
    )


def _demo(args: argparse.Namespace) -> int:
    from sandbox.demo import run_demo

    return run_demo(
        offenders=args.offenders,
        seed=args.seed,
        port=args.port,
        oasys_port=args.oasys_port,
        crc_base_port=args.crc_base_port,
        activity=args.activity,
    )


def _cluster_demo(args: argparse.Namespace) -> int:
    from sandbox.cluster.demo import run_cluster_demo

    return run_cluster_demo(
        offenders=args.offenders, seed=args.seed, port=args.port, gateway_port=args.gateway_port
    )


def _seed(args: argparse.Namespace) -> int:
    import asyncpg

    from adapters.delius.migrate import migrate, refresh_search
    from sandbox.ndelius.load import load_contract
    from sandbox.ndelius.seed import seed_database

    dsn = args.dsn or command_dsn(args)
    args.resolved_dsn = dsn

    async def run() -> None:
        if args.load_contract:
            await load_contract(dsn)
        try:
            report = await seed_database(dsn, offenders=args.offenders, seed=args.seed)
        except asyncpg.UniqueViolationError:
            raise CommandError(
                f"{where(dsn)} already holds seeded data; seed an empty database (with "
                "--load-contract) or pass another --dsn"
            ) from None
        await migrate(dsn)
        await refresh_search(dsn)
        print(report)

    asyncio.run(run())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from adapters.delius.migrate import migrate

    applied = asyncio.run(migrate(command_dsn(args)))
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


def _refresh_search(args: argparse.Namespace) -> int:
    from adapters.delius.migrate import refresh_search

    asyncio.run(refresh_search(command_dsn(args)))
    return 0


def _token(args: argparse.Namespace) -> int:
    from api.tokens import DEFAULT_KEY_FOLDER, load_key

    settings = Settings.from_env()
    folder = args.keys or DEFAULT_KEY_FOLDER
    try:
        key = load_key(folder)
    except FileNotFoundError:
        raise CommandError(
            f"no signing key in {folder}; create one with `casegraph keys create`"
            " (or start `casegraph demo` here), or pass --keys FOLDER"
        ) from None
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    print(
        key.mint(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            client_id=args.client_id,
            username=args.user,
            roles=roles,
            provider=args.provider,
            lifetime=args.lifetime,
        )
    )
    return 0


def _audit(args: argparse.Namespace) -> int:
    from adapters.delius import DeliusAdapter

    dsn = command_dsn(args)

    async def run() -> None:
        delius = await DeliusAdapter.connect(dsn)
        try:
            entries = await delius.audit_for_crn(args.crn.strip().upper(), args.limit)
        finally:
            await delius.aclose()
        if not entries:
            print(f"no one has looked at {args.crn.strip().upper()} yet", file=sys.stderr)
        for e in entries:
            print(
                f"{e.occurred_at.isoformat()}  {e.outcome:<15} {e.crn}  "
                f"user={e.username or '-'} client={e.client_id} provider={e.provider or '-'} "
                f"operation={e.operation_name or '-'} correlation={e.correlation_id} "
                f"document={e.document_hash[:19]}"
            )

    asyncio.run(run())
    return 0


def _schema(args: argparse.Namespace) -> int:
    from schema import print_sdl

    sys.stdout.write(print_sdl())
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line rather than the usage and a line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    main = _Parser(prog="casegraph", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="seed a throwaway nDelius and serve the graph")
    demo.add_argument("--offenders", type=int, default=10_000)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--port", type=int, default=8000, help="the API's port")
    demo.add_argument("--oasys-port", type=int, default=8081, help="0 picks a free port")
    demo.add_argument(
        "--crc-base-port", type=int, default=8091, help="first CRC port; 0 picks free ports"
    )
    demo.add_argument(
        "--activity",
        type=float,
        nargs="?",
        const=5.0,
        default=0.0,
        metavar="SECONDS",
        help="change a case in nDelius every SECONDS (default 5) so events flow",
    )
    demo.set_defaults(run=_demo)

    cluster = commands.add_parser(
        "cluster-demo", help="gateway, HAProxy, three processes, primary and standby, on loopback"
    )
    cluster.add_argument("--offenders", type=int, default=10_000)
    cluster.add_argument("--seed", type=int, default=1)
    cluster.add_argument("--port", type=int, default=8000, help="HAProxy (stats on PORT+404)")
    cluster.add_argument("--gateway-port", type=int, default=4000)
    cluster.set_defaults(run=_cluster_demo)

    serve = commands.add_parser("serve", help="serve against CASEGRAPH_DELIUS_DSN")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.set_defaults(run=_serve)

    seed = commands.add_parser("seed", help="fill a database with synthetic nDelius data")
    seed.add_argument("--offenders", type=int, default=10_000)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--dsn", help="defaults to CASEGRAPH_DELIUS_DSN")
    seed.add_argument("--load-contract", action="store_true", help="create the tables first")
    seed.set_defaults(run=_seed)

    commands.add_parser("migrate", help="create or update the casegraph schema").set_defaults(
        run=_migrate
    )
    commands.add_parser("refresh-search", help="rebuild the person search").set_defaults(
        run=_refresh_search
    )
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(run=_schema)

    audit = commands.add_parser("audit", help="list who looked at a case")
    audit.add_argument("--crn", required=True)
    audit.add_argument("--limit", type=int, default=100)
    audit.set_defaults(run=_audit)

    token = commands.add_parser("token", help="mint a token from the local demo key")
    token.add_argument("--user", help="username (omit for a client-credentials token)")
    token.add_argument("--roles", default="ROLE_CASEGRAPH_READ", help="comma-separated roles")
    token.add_argument("--provider", help="provider code, for a partner client")
    token.add_argument("--client-id", default="casegraph-cli")
    token.add_argument("--lifetime", type=int, default=3600, help="seconds")
    token.add_argument("--keys", type=Path, help="key folder (default .casegraph/keys)")
    token.set_defaults(run=_token)

    keys = commands.add_parser("keys", help="manage the keys that sign tokens")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a signing key pair and its JWKS")
    create.add_argument("--folder", type=Path, help="where to write (default .casegraph/keys)")
    create.add_argument("--force", action="store_true", help="replace an existing key")
    create.set_defaults(run=keys_create)
    add_deliveries_command(commands)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``casegraph`` command."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except SettingsError as error:
        print(f"casegraph: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        print(f"casegraph: {explain(error, getattr(args, 'resolved_dsn', None))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
