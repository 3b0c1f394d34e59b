"""LRU cache throughput: the Q1 interview answer, tarento_lib's caches and the peer libraries.

Workload: 1,000,000 operations on a Zipf(1.1) stream over 100k keys, 80 % get / 20 % put,
capacity 10k. Every contender replays the same operations; rounds are interleaved
(A B C D, A B C D, ...) so machine noise hits all alike, and the median round counts.
``functools.lru_cache`` can only memoise a function, so it replays the keys as calls.

Run from the repository root: ``python benchmarks/bench_cache.py [--quick]``.
"""

from __future__ import annotations

import argparse
import threading
import timeit

from _report import print_load, print_target

from tarento_lib.answers.q01_lru import LRUCache as InterviewLRUCache
from tarento_lib.cache.throughput import compare_caches

ANSWER = "Q1 interview answer"
NOTES = {
    ANSWER: "OrderedDict under one lock, no stats",
    "LRUCache": "OrderedDict under one lock, counts stats, TTL",
    "LinkedLRUCache": "hand-linked list, no lock (like cachetools), counts stats",
    "ThreadSafeLinkedLRUCache": "hand-linked list under one lock, counts stats",
    "cachetools.LRUCache": "no lock, no stats",
    "functools.lru_cache": "C, memoises calls only",
}


def lock_cost_ns(n: int = 200_000) -> float:
    """Nanoseconds that ``with lock:`` adds around one dict update on this machine (best of 5).

    Every thread-safe contender pays this on each operation and cachetools pays none, so it
    is printed beside the ratios: it varies far more between machines than the caches do.
    """
    lock, data = threading.Lock(), {0: 0}

    def bare() -> None:
        data[0] += 1

    def locked() -> None:
        with lock:
            data[0] += 1

    best = {f: min(timeit.repeat(f, number=n, repeat=5)) for f in (bare, locked)}
    return (best[locked] - best[bare]) / n * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100k operations, 3 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    rounds = args.rounds or (3 if args.quick else 5)
    print_load("before")
    ops = compare_caches(n, rounds=rounds, extra={ANSWER: InterviewLRUCache})
    baseline = ops["cachetools.LRUCache"]
    print(
        f"{n:,} ops, Zipf(1.1) over 100k keys, 80% get / 20% put, capacity 10,000; median of "
        f"{rounds} interleaved rounds"
    )
    print(f"{'contender':26} {'ops/s':>12} {'vs cachetools':>14}  note")
    for name, rate in ops.items():
        print(f"{name:26} {rate:12,.0f} {rate / baseline:13.2f}x  {NOTES[name]}")
    print(f"\n'with lock:' costs {lock_cost_ns():.0f} ns per operation on this machine")
    print_load("after")
    ratio = ops["LRUCache"] / baseline
    print_target(
        "LRUCache (locked, with statistics) >= 0.8x cachetools.LRUCache",
        ratio >= 0.8,
        f"{ratio:.2f}x; the interview answer: {ops[ANSWER] / baseline:.2f}x",
    )


if __name__ == "__main__":
    main()
