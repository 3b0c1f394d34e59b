"""No-op async jobs per second: tarento_lib's JobQueue and the Q8 interview answer vs a bare
asyncio.PriorityQueue worker loop (and a polling loop).

    python benchmarks/bench_jobs.py            # 20,000 jobs x 7 interleaved rounds
    python benchmarks/bench_jobs.py --quick    # 5,000 jobs x 3 rounds

Each round runs every variant once, on a fresh event loop, with 4 worker tasks, equal
priorities and the same no-op coroutine, timed from the first enqueue until every job is done.
The table shows the median over rounds and the ratio to the bare queue, on CPU time of the
loop's thread (the verdict: fair on a shared machine) and on the wall clock, both read from the
same runs. Target from the issue: JobQueue >= 0.2x the bare queue.
"""

from __future__ import annotations

import argparse

from _report import print_load, print_target

from tarento_lib.jobs.benchmark import measure

TARGET = 0.2  # JobQueue's throughput as a fraction of the bare queue's


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a smaller run (5,000 jobs x 3 rounds)"
    )
    parser.add_argument("--jobs", type=int, default=None, help="jobs per measurement")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    n = args.jobs or (5_000 if args.quick else 20_000)
    rounds = args.rounds or (3 if args.quick else 7)
    print_load("before")
    rates = measure(n=n, rounds=rounds, workers=args.workers)
    print_load("after")
    print(f"{n:,} no-op jobs, {args.workers} workers, median of {rounds} interleaved rounds")
    print(f"{'variant':<22}{'jobs/CPU s':>14}{'ratio':>9}{'jobs/wall s':>14}{'ratio':>9}")
    cpu, wall = rates["cpu"], rates["wall"]
    for name in cpu:
        print(
            f"{name:<22}{cpu[name]:>14,.0f}{cpu[name] / cpu['bare PriorityQueue']:>8.2f}x"
            f"{wall[name]:>14,.0f}{wall[name] / wall['bare PriorityQueue']:>8.2f}x"
        )
    ratio = cpu["JobQueue"] / cpu["bare PriorityQueue"]
    wall_ratio = wall["JobQueue"] / wall["bare PriorityQueue"]
    print_target(
        f"JobQueue ≥ {TARGET}x the bare queue",
        ratio >= TARGET,
        f"{ratio:.2f}x on CPU time; {wall_ratio:.2f}x on the wall clock",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
