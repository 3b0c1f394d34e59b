"""LRU cache throughput: tarento_lib's caches vs cachetools.LRUCache and functools.lru_cache.

Workload (from the Q1 issue): 1,000,000 operations on a Zipf(1.1) stream over 100k keys,
80 % get / 20 % put, capacity 10k. Every contender replays the same operations; rounds are
interleaved (A B C D, A B C D, ...) so machine noise hits all alike, and the median round
counts. ``functools.lru_cache`` can only memoise a function, so it replays the keys as calls.

Run from the repository root: ``python benchmarks/bench_cache.py [--quick]``.
"""

from __future__ import annotations

import argparse

from _report import print_load, print_target

from tarento_lib.cache.throughput import compare_caches, lock_styles

NOTES = {
    "LRUCache": "thread-safe, counts stats",
    "LinkedLRUCache": "no lock (the default, like cachetools), counts stats",
    "LinkedLRUCache+lock": "thread_safe=True: one lock per operation",
    "cachetools.LRUCache": "no lock, no stats",
    "functools.lru_cache": "C, memoises calls only",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100k operations, 3 rounds")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    rounds = args.rounds or (3 if args.quick else 5)
    ops = compare_caches(n, rounds=rounds)
    baseline = ops["cachetools.LRUCache"]
    print(
        f"{n:,} ops, Zipf(1.1) over 100k keys, 80% get / 20% put, capacity 10,000; median of "
        f"{rounds} interleaved rounds"
    )
    print(f"{'contender':22} {'ops/s':>12} {'vs cachetools':>14}  note")
    for name, rate in ops.items():
        print(f"{name:22} {rate:12,.0f} {rate / baseline:13.2f}x  {NOTES[name]}")
    print()
    print_load()
    verdicts = [
        ("LRUCache", "LRUCache (thread-safe, stats) >= 1.0x cachetools"),
        ("LinkedLRUCache", "LinkedLRUCache >= 1.0x cachetools"),
    ]
    for name, target in verdicts:
        print_target(target, ops[name] >= baseline, f"{ops[name] / baseline:.2f}x")
    print("\nwhat a lock costs around one dict update (ns/op):")
    for style, ns in lock_styles().items():
        print(f"  {style:22} {ns:6.0f}")


if __name__ == "__main__":
    main()
