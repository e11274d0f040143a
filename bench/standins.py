"""The OASys and CRC stand-ins in a process of their own, so a benchmark's client and server
do not share a GIL with them: ``python -m bench.standins --dsn D``.

Prints one JSON line, ``{"oasys": url, "crc": registry}``, then serves until SIGTERM.
Latency is set through each stand-in's ``POST /_control``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
from dataclasses import dataclass

from sandbox.crc import build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts
from sandbox.oasys.dataset import build_dataset
from sandbox.oasys.delius import facts_from_delius as oasys_facts
from sandbox.oasys.server import OasysServer


@dataclass
class StandIns:
    """The stand-ins' process and where Case Graph finds them."""

    process: asyncio.subprocess.Process
    oasys_url: str
    registry: dict[str, dict[str, str]]

    async def stop(self) -> None:
        """SIGTERM, then wait (bounded) for the process to end."""
        self.process.terminate()
        await asyncio.wait_for(self.process.wait(), timeout=30)


async def start_standins(dsn: str) -> StandIns:
    """Start ``python -m bench.standins`` over ``dsn`` and read where it listens."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.standins", "--dsn", dsn, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    started = json.loads(await asyncio.wait_for(process.stdout.readline(), timeout=120))
    return StandIns(process, started["oasys"], started["crc"])


def main() -> None:
    """Start both stand-ins on free loopback ports and serve until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    oasys = OasysServer(build_dataset(asyncio.run(oasys_facts(args.dsn)), args.seed)).start()
    datasets = build_datasets(asyncio.run(crc_facts(args.dsn)), args.seed)
    with start_crc_servers(datasets, base_port=0) as crcs:
        print(json.dumps({"oasys": oasys.url, "crc": crcs.registry()}), flush=True)
        while not stop.wait(0.5):
            pass
    oasys.stop()


if __name__ == "__main__":
    main()
