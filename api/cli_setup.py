"""What an operator sets up before serving: the signing keys, and the checks ``serve`` makes.

``casegraph keys create`` writes the private key and the JWKS the API verifies tokens with,
so a graph can be served and tried without the demo. ``serve`` checks its keys and its
database before uvicorn starts, so a mistake is one line rather than a worker's traceback.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from api.cli_errors import CommandError
from api.settings import Settings


def keys_create(args: argparse.Namespace) -> int:
    """``casegraph keys create``: a signing key pair and its JWKS, never over a key unasked."""
    from api.tokens import DEFAULT_KEY_FOLDER, SigningKey, save_key

    folder: Path = args.folder or DEFAULT_KEY_FOLDER
    if (folder / "private.pem").exists() and not args.force:
        raise CommandError(
            f"{folder} already holds a signing key; pass --force to replace it (tokens "
            "signed with the old key stop working)"
        )
    jwks = save_key(SigningKey.generate(), folder)
    print(f"private key: {folder / 'private.pem'} (keep it secret; it signs tokens)")
    print(f"public keys: {jwks}")
    print(f"serve with:  export CASEGRAPH_JWKS={jwks.resolve()}")
    return 0


def check_before_serving(settings: Settings) -> None:
    """Fail in one line before uvicorn starts, rather than in a worker's start-up log."""
    if not settings.jwks:
        raise CommandError(
            "CASEGRAPH_JWKS is required: the keys that sign callers' tokens (a JWKS file or "
            "URL; `casegraph keys create` makes one)"
        )
    if "://" not in settings.jwks and not Path(settings.jwks).is_file():
        raise CommandError(
            f"CASEGRAPH_JWKS names {settings.jwks}, which is not a file; "
            "`casegraph keys create` makes one"
        )

    async def reach_database() -> None:
        from adapters.delius import DeliusAdapter

        delius = await DeliusAdapter.connect(settings.delius_dsn.value)
        await delius.aclose()

    asyncio.run(reach_database())
