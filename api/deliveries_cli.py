"""``casegraph deliveries``: how each partner's webhook queue stands, and replay from a cursor.

    casegraph deliveries                         positions and counts per partner, then the
                                                 deliveries moved aside (dead)
    casegraph deliveries --partner C01 --limit 50
    casegraph deliveries replay --partner C01 --from 1234

``--from`` is a feed position (``position`` of ``casegraph.case_event``, the number inside a
``caseEvents`` cursor): the partner is sent every event from there on again that it may
receive now, delivered and dead ones included, with their original event ids.
"""

from __future__ import annotations

import argparse
import asyncio

from adapters.delius.database import Database
from adapters.delius.webhook_queue import WebhookQueue
from api.settings import Settings


def add_deliveries_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deliveries`` (and ``deliveries replay``) to the command line."""
    deliveries = commands.add_parser("deliveries", help="webhook queues: status and replay")
    deliveries.add_argument("--partner", help="one provider code (default: all)")
    deliveries.add_argument("--limit", type=int, default=20, help="dead deliveries to list")
    deliveries.set_defaults(run=_status)
    actions = deliveries.add_subparsers(dest="action")
    replay = actions.add_parser("replay", help="send a partner everything from a cursor again")
    replay.add_argument("--partner", required=True)
    replay.add_argument("--from", dest="from_position", type=_position, required=True)
    replay.set_defaults(run=_replay)


def _position(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError("a feed position is a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("a feed position starts at 1")
    return value


async def _queue() -> tuple[Database, WebhookQueue]:
    database = await Database.connect(Settings.from_env().delius_dsn.value)
    return database, WebhookQueue(database)


def _status(args: argparse.Namespace) -> int:
    async def run() -> None:
        database, queue = await _queue()
        try:
            summaries = await queue.summary()
            dead = await queue.dead(args.partner, args.limit)
        finally:
            await database.close()
        print(
            f"{'partner':<8} {'position':>9} {'pending':>8} {'delivered':>10} {'dead':>6}  oldest"
        )
        for s in summaries:
            if args.partner and s.provider_code != args.partner:
                continue
            oldest = s.oldest_pending.isoformat() if s.oldest_pending else "-"
            print(
                f"{s.provider_code:<8} {s.fanned_out_to:>9} {s.pending:>8} {s.delivered:>10} "
                f"{s.dead:>6}  {oldest}"
            )
        if dead:
            print("\nmoved aside (replay with `casegraph deliveries replay --partner P --from N`):")
        for d in dead:
            print(
                f"  {d.provider_code} position={d.position} id={d.event_id} {d.event_type} "
                f"attempts={d.attempts} last_error={d.last_error or '-'}"
            )

    asyncio.run(run())
    return 0


def _replay(args: argparse.Namespace) -> int:
    async def run() -> None:
        database, queue = await _queue()
        try:
            await queue.replay(args.partner, args.from_position)
        finally:
            await database.close()

    asyncio.run(run())
    print(f"{args.partner}: events from position {args.from_position} on will be sent again")
    return 0
