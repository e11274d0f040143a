"""The OASys and CRC stand-ins, each in a process of its own:
``python -m bench.standins --dsn D --serve oasys|crc``.

A benchmark's client and server must not share a GIL with the stand-ins, and the stand-ins
must not share one with each other: a real OASys and a real CRC are separate systems. In
one process, the four answers of a README overview (two from OASys, two from the CRC) fall
due together and queue for the one GIL, so the stand-ins answered several milliseconds
later than the latency they were given.

Each process prints one JSON line (``{"oasys": url}`` or ``{"crc": registry}``), then serves
until SIGTERM. Latency is set through each stand-in's ``POST /_control``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import threading
from dataclasses import dataclass
from typing import Any

from sandbox.crc import build_datasets, start_crc_servers
from sandbox.crc import facts_from_delius as crc_facts
from sandbox.oasys.dataset import build_dataset
from sandbox.oasys.delius import facts_from_delius as oasys_facts
from sandbox.oasys.server import OasysServer

STANDINS = ("oasys", "crc")
_START_TIMEOUT_SECONDS = 120


@dataclass
class StandIns:
    """The stand-ins' processes and where Case Graph finds them."""

    processes: tuple[asyncio.subprocess.Process, ...]
    oasys_url: str
    registry: dict[str, dict[str, str]]

    async def stop(self) -> None:
        """SIGTERM, then wait (bounded) for every process to end."""
        for process in self.processes:
            if process.returncode is None:
                process.terminate()
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in self.processes)), timeout=30)


async def start_standins(dsn: str) -> StandIns:
    """Start one ``python -m bench.standins`` per stand-in over ``dsn``; read where each
    listens."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.standins",
            "--dsn",
            dsn,
            "--serve",
            name,
            stdout=asyncio.subprocess.PIPE,
        )
        for name in STANDINS
    ]
    try:
        lines = await asyncio.wait_for(
            asyncio.gather(*(_first_line(p) for p in processes)), timeout=_START_TIMEOUT_SECONDS
        )
    except BaseException:
        await StandIns(tuple(processes), "", {}).stop()
        raise
    started: dict[str, Any] = {}
    for line in lines:
        started.update(json.loads(line))
    return StandIns(tuple(processes), started["oasys"], started["crc"])


async def _first_line(process: asyncio.subprocess.Process) -> bytes:
    assert process.stdout is not None
    line = await process.stdout.readline()
    if not line:
        raise RuntimeError(f"a stand-in ended before it listened (exit {await process.wait()})")
    return line


def main() -> None:
    """Start one stand-in on free loopback ports and serve until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", choices=STANDINS, required=True)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.serve == "oasys":
        oasys = OasysServer(build_dataset(asyncio.run(oasys_facts(args.dsn)), args.seed)).start()
        print(json.dumps({"oasys": oasys.url}), flush=True)
        stop.wait()
        oasys.stop()
        return
    datasets = build_datasets(asyncio.run(crc_facts(args.dsn)), args.seed)
    with start_crc_servers(datasets, base_port=0) as crcs:
        print(json.dumps({"crc": crcs.registry()}), flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
