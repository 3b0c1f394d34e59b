"""No-op async jobs per second: tarento_lib's JobQueue vs a bare asyncio.PriorityQueue (and a polling loop).

    python benchmarks/bench_jobs.py            # 20,000 jobs x 7 interleaved rounds
    python benchmarks/bench_jobs.py --quick    # 5,000 jobs x 3 rounds

Each round runs every variant once, on a fresh event loop, with 4 worker tasks and equal
priorities; the table shows the median over rounds and the ratio to the bare queue.
Target from the issue: JobQueue >= 0.3x the bare queue.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tarento_lib.jobs.benchmark import compare  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (5,000 jobs x 3 rounds)")
    parser.add_argument("--jobs", type=int, default=None, help="jobs per measurement")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    n = args.jobs or (5_000 if args.quick else 20_000)
    rounds = args.rounds or (3 if args.quick else 7)
    rates = compare(n=n, rounds=rounds, workers=args.workers)
    base = rates["bare PriorityQueue"]
    print(f"{n:,} no-op jobs, {args.workers} workers, median of {rounds} interleaved rounds")
    print(f"{'variant':<22}{'jobs/s':>14}{'ratio':>9}")
    for name, rate in rates.items():
        print(f"{name:<22}{rate:>14,.0f}{rate / base:>8.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
