"""Run the CRC stand-ins for the demo: ``python -m sandbox.crc --dsn postgresql://...``.

Reads the CRC cases from nDelius, starts one instance per CRC from ``--base-port`` up and
prints the JSON for CASEGRAPH_CRC_REGISTRY on stdout; stops on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading

from sandbox.crc.dataset import build_datasets
from sandbox.crc.delius import facts_from_delius
from sandbox.crc.servers import start_crc_servers


def main(argv: list[str] | None = None) -> int:
    """Start the stand-ins and block until told to stop."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.crc", description=__doc__)
    parser.add_argument("--dsn", required=True, help="nDelius PostgreSQL DSN")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--base-port", type=int, default=8091)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--registry-file", help="also write the registry JSON to this file")
    args = parser.parse_args(argv)
    facts = asyncio.run(facts_from_delius(args.dsn))
    datasets = build_datasets(facts, args.seed)
    if not datasets:
        print("no cases are managed by a CRC in this database", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with start_crc_servers(datasets, host=args.host, base_port=args.base_port) as servers:
        registry = servers.registry_json()
        if args.registry_file:
            with open(args.registry_file, "w") as handle:
                handle.write(registry)
        print(registry, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
