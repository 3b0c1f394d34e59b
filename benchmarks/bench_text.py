"""Benchmark of tarento_lib.text: top-k autocomplete (edit distance: bench_similarity.py).

Run from the repository root:  python benchmarks/bench_text.py [--quick]

1. Top-10 autocomplete on the 50,000 most frequent English words (wordfreq), for prefixes of
   length 1, 2, 3 and 6: our ``Trie`` vs the interview answer (collect the subtree + ``heapq``),
   a collect-all-then-sort trie, a sorted list with
   ``bisect`` + ``heapq``, and ``marisa-trie`` with a frequency array + ``heapq``. Median
   CPU microseconds per query over interleaved rounds, ratios against ours, build time and memory.
Ends with one MET/MISSED line per target of the issue, and the load average.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import marisa_trie
from _report import print_load, print_target

from tarento_lib.answers.q03_trie import Trie as InterviewTrie
from tarento_lib.text import CollectAllTrie, SortedWordList, Trie, load_vocabulary

K = 10


class MarisaTopK:
    """marisa-trie for the keys, a list for the frequencies
    (indexed by key id), a heap for top-k."""

    def __init__(self, words: list[tuple[str, float]]) -> None:
        self.trie = marisa_trie.Trie([word for word, _ in words])
        self.freq = [0.0] * len(self.trie)
        for word, frequency in words:
            self.freq[self.trie[word]] = frequency

    def autocomplete(self, prefix: str, k: int = K) -> list[str]:
        freq = self.freq
        best = heapq.nsmallest(
            k, self.trie.items(prefix), key=lambda item: (-freq[item[1]], item[0])
        )
        return [word for word, _ in best]


def interview_trie(words: list[tuple[str, float]]) -> InterviewTrie:
    """The interview answer filled with ``words`` (it takes them one ``insert`` at a time)."""
    trie = InterviewTrie()
    for word, frequency in words:
        trie.insert(word, frequency)
    return trie


# CPU time of this process, not wall time: on a shared machine, time spent descheduled would
# otherwise land on whichever case happened to be running.
clock = time.process_time


def per_call_seconds(func: Callable[[], Any], budget: float = 0.005) -> float:
    """CPU seconds per call of ``func``, timing enough calls to fill about ``budget`` seconds."""
    start = clock()
    func()
    single = max(clock() - start, 1e-7)
    number = max(1, min(20_000, int(budget / single)))
    start = clock()
    for _ in range(number):
        func()
    return (clock() - start) / number


def interleaved(cases: dict[str, Callable[[], Any]], rounds: int, seed: int) -> dict[str, float]:
    """Median seconds per call of each case, the cases shuffled anew in every round."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            samples[name].append(per_call_seconds(cases[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def traced(build: Callable[[], Any]) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    try:
        built = build()
        return built, tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def pick_prefixes(
    words: list[tuple[str, float]], length: int, count: int, rng: random.Random
) -> list[str]:
    """``count`` distinct prefixes of ``length`` ASCII letters, as users would type them.

    Words are drawn with probability proportional to their frequency, so common prefixes
    ("t", "th", "the") come up as often as they do at a keyboard.
    """
    eligible = [
        (w, f)
        for w, f in words
        if len(w) >= length and w[:length].isascii() and w[:length].isalpha()
    ]
    chosen: list[str] = []
    while len(chosen) < count:
        word, _ = rng.choices(eligible, weights=[f for _, f in eligible])[0]
        if word[:length].casefold() not in chosen:
            chosen.append(word[:length].casefold())
    return chosen


def bench_autocomplete(quick: bool) -> dict[str, bool]:
    english = load_vocabulary("en", 50_000)
    print(
        f"== top-{K} autocomplete, {len(english):,} English words (median CPU µs per query; ratio "
        "= peer / ours)"
    )
    builders: dict[str, Callable[[], Any]] = {
        "top-k Trie (ours)": lambda: Trie(english),
        "interview answer": lambda: interview_trie(english),
        "collect-all trie": lambda: CollectAllTrie(english),
        "sorted list+heapq": lambda: SortedWordList(english),
        "marisa-trie+heapq": lambda: MarisaTopK(english),
    }
    indexes, memory, build_s = {}, {}, {}
    for name, build in builders.items():
        build_s[name] = statistics.median(_timed(build) for _ in range(1 if quick else 3))
        indexes[name], memory[name] = traced(build)
    reference = indexes["top-k Trie (ours)"]
    rng = random.Random(11)
    rounds, per_length = (3, 4) if quick else (7, 12)
    results: dict[int, dict[str, float]] = {}
    for length in (1, 2, 3, 6):
        prefixes = pick_prefixes(english, length, per_length, rng)
        print(f"  prefixes of length {length}: {', '.join(prefixes)}")
        for prefix in prefixes:
            expected = reference.autocomplete(prefix, K)
            assert all(index.autocomplete(prefix, K) == expected for index in indexes.values()), (
                prefix
            )
        per_prefix = [
            interleaved(
                {
                    name: (lambda i=index, p=prefix: i.autocomplete(p, K))
                    for name, index in indexes.items()
                },
                rounds,
                length,
            )
            for prefix in prefixes
        ]
        results[length] = {name: statistics.median(r[name] for r in per_prefix) for name in indexes}
    names = list(indexes)
    print(f"{'prefix length':>14} " + " ".join(f"{n:>22}" for n in names))
    for length, row in results.items():
        ours = row["top-k Trie (ours)"]
        cells = [f"{row[n] * 1e6:10.2f} ({row[n] / ours:7.1f}x)" for n in names]
        print(f"{length:>14} " + " ".join(f"{c:>22}" for c in cells))
    print(f"{'build CPU s':>14} " + " ".join(f"{build_s[n]:>22.3f}" for n in names))
    print(f"{'bytes/word':>14} " + " ".join(f"{memory[n] / len(english):>22.0f}" for n in names))
    one = results[1]
    checks = {
        "1-letter: >= 100x faster than collect-all": one["collect-all trie"]
        / one["top-k Trie (ours)"]
        >= 100,
        "1-letter: >= 20x faster than marisa-trie+heapq": one["marisa-trie+heapq"]
        / one["top-k Trie (ours)"]
        >= 20,
        "memory <= 1.5x the collect-all trie": memory["top-k Trie (ours)"]
        <= 1.5 * memory["collect-all trie"],
    }
    return checks


def _timed(build: Callable[[], Any]) -> float:
    start = clock()
    build()
    return clock() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and prefixes (about a minute)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    verdicts = bench_autocomplete(args.quick)
    print("\n== verdicts")
    print_load()
    for what, ok in verdicts.items():
        print_target(what, ok)
    print(f"\n(done in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
