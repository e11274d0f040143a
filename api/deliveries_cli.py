"""``casegraph deliveries``: how each partner's webhook queue stands, and replay from a cursor.

    casegraph deliveries                         positions and counts per partner, then the
                                                 deliveries moved aside (dead)
    casegraph deliveries --partner C01 --limit 50
    casegraph deliveries replay --partner C01 --from 1234

``--from`` is a ``caseEvents`` cursor (replay starts just after that event, as the query
would) or a feed position (``casegraph.case_event.position``, replay starts at it, as the
dead-letter listing shows). The partner is sent every event from there on again that it may
receive now, delivered and dead ones included, with their original event ids.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import TYPE_CHECKING, Any

from api.local_demo import command_dsn

if TYPE_CHECKING:  # the command line imports the adapters only when this command runs
    from adapters.delius.database import Database
    from adapters.delius.webhook_queue import WebhookQueue


def add_deliveries_command(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``deliveries`` (and ``deliveries replay``) to the command line."""
    deliveries = commands.add_parser("deliveries", help="webhook queues: status and replay")
    deliveries.add_argument("--partner", help="one provider code (default: all)")
    deliveries.add_argument("--limit", type=int, default=20, help="dead deliveries to list")
    deliveries.set_defaults(run=_status)
    actions = deliveries.add_subparsers(dest="action")
    replay = actions.add_parser("replay", help="send a partner everything from a cursor again")
    replay.add_argument("--partner", required=True)
    replay.add_argument("--from", dest="start", type=_start, required=True)
    replay.set_defaults(run=_replay)


def _start(raw: str) -> int | uuid.UUID:
    """A feed position (a whole number from 1) or the event a ``caseEvents`` cursor names."""
    from resolvers.case_events import event_id_of
    from resolvers.errors import PublicError

    if raw.isdigit():
        if int(raw) < 1:
            raise argparse.ArgumentTypeError("a feed position starts at 1")
        return int(raw)
    try:
        return event_id_of(raw)
    except PublicError:
        raise argparse.ArgumentTypeError(
            "give a caseEvents cursor or a feed position (a whole number)"
        ) from None


async def _queue(args: argparse.Namespace) -> tuple[Database, WebhookQueue]:
    from adapters.delius.database import Database
    from adapters.delius.webhook_queue import WebhookQueue

    database = await Database.connect(command_dsn(args))
    return database, WebhookQueue(database)


def _status(args: argparse.Namespace) -> int:
    async def run() -> None:
        database, queue = await _queue(args)
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
    from adapters.delius.events_feed.store import position_of

    async def run() -> int | None:
        database, queue = await _queue(args)
        try:
            start = args.start
            if isinstance(start, uuid.UUID):
                after = await position_of(database, start)
                if after is None:
                    return None
                start = after + 1
            await queue.replay(args.partner, start)
            return int(start)
        finally:
            await database.close()

    start = asyncio.run(run())
    if start is None:
        print("casegraph: that cursor's event is no longer stored", file=sys.stderr)
        return 1
    print(f"{args.partner}: events from position {start} on will be sent again")
    return 0
