"""``python -m bench``: every benchmark in turn, each rewriting its own section of RESULTS.md.

Each step runs in a process of its own, so one benchmark's memory and threads never
colour the next one's numbers. ``--only NAME`` runs one step; a step whose module is
missing is skipped with a note. Takes about 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time

STEPS: dict[str, list[str]] = {
    "seeding": ["bench.seed_bench", "--offenders", "100000"],
    "alternatives": ["bench.run"],
    "fanout": ["bench.fanout"],
    "planned": ["bench.planned"],
    "profile": ["bench.profile"],
    "targets": ["bench.targets"],
    "observability": ["bench.observability"],
    "topology": ["bench.topology"],
    "case_events": ["bench.case_events"],
    "capture_cost": ["bench.capture_cost"],
}


def main() -> int:
    """Run the steps; stop at the first that fails."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=sorted(STEPS))
    args = parser.parse_args()
    chosen = {args.only: STEPS[args.only]} if args.only else STEPS
    for name, (module, *options) in chosen.items():
        if importlib.util.find_spec(module) is None:
            print(f"== {name}: {module} is not here, skipped", flush=True)
            continue
        print(f"== {name}: python -m {module} {' '.join(options)}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, "-m", module, *options])
        print(f"== {name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
