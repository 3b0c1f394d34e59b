"""Benchmark of grapheme-level edit distance: the interview answer's DP, the library, the peers.

Run from the repository root:  python benchmarks/bench_similarity.py [--quick]

Hindi texts of 100 and 1,000 code points made of real words (wordfreq). For each size, median
CPU time per call over interleaved rounds of:

* end to end, texts in and a distance out: the interview answer
  (``tarento_lib.answers.q04_similarity.levenshtein``: NFC + casefold + ``regex`` ``\\X`` +
  the two-row DP in Python) and the library (``tarento_lib.text.levenshtein``: the same
  preparation, ignorable characters dropped, then rapidfuzz on the grapheme lists);
* the distance alone, on the same prepared grapheme lists: the DP vs rapidfuzz;
* the preparation alone (``units``), which the library's end-to-end time is mostly made of;
* peers on raw code points, which answer a different question (no NFC, no case folding, a
  vowel sign counts as a letter): rapidfuzz's ``Levenshtein.distance`` and difflib's
  ``SequenceMatcher.ratio``.

Ratios are DP time / case time. Issue 13 sets no target here (the grapheme fast path was
removed): the script reports the end-to-end and distance-only ratios and the load average.
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from _report import print_load
from rapidfuzz.distance import Levenshtein as RapidLevenshtein

from tarento_lib.answers import q04_similarity as answer
from tarento_lib.text import levenshtein, load_vocabulary, units

# CPU time of this process, not wall time: on a shared machine, time spent descheduled would
# otherwise land on whichever case happened to be running.
clock = time.process_time


def per_call_seconds(func: Callable[[], Any], budget: float = 0.02) -> float:
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


def hindi_text(words: list[str], length: int, rng: random.Random) -> str:
    """Random words joined by spaces, cut to ``length`` code points."""
    chosen: list[str] = []
    while sum(map(len, chosen)) + len(chosen) < length:
        chosen.append(rng.choice(words))
    return " ".join(chosen)[:length]


def difflib_ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def bench(size: int, words: list[str], rounds: int, rng: random.Random) -> None:
    a, b = hindi_text(words, size, rng), hindi_text(words, size, rng)
    x, y = units(a), units(b)
    distance = answer.levenshtein(a, b)
    assert distance == levenshtein(a, b) == answer.edit_distance(x, y)
    assert RapidLevenshtein.distance(x, y) == distance
    cases = {
        "answer, end to end (DP)": partial(answer.levenshtein, a, b),
        "library, end to end": partial(levenshtein, a, b),
        "DP, distance only": partial(answer.edit_distance, x, y),
        "rapidfuzz, distance only": partial(RapidLevenshtein.distance, x, y),
        "library, preparation only": partial(units, a),
        "peer: rapidfuzz on code points": partial(RapidLevenshtein.distance, a, b),
        "peer: difflib ratio on code points": partial(difflib_ratio, a, b),
    }
    row = interleaved(cases, rounds, size)
    print(
        f"\n  {size:,} code points ({len(x)} x {len(y)} graphemes, distance {distance}; "
        f"by code point {RapidLevenshtein.distance(a, b)})"
    )
    for name, seconds in row.items():
        dp = row["DP, distance only" if "distance only" in name else "answer, end to end (DP)"]
        print(f"    {name:36} {seconds * 1e6:12.1f} µs {dp / seconds:9.1f}x")
    end_to_end = row["answer, end to end (DP)"] / row["library, end to end"]
    kernel = row["DP, distance only"] / row["rapidfuzz, distance only"]
    print(f"    ratios against the DP: end to end {end_to_end:.0f}x, distance only {kernel:.0f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (seconds, not a minute)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print_load("before")
    print("== grapheme-level Levenshtein on Hindi text (median CPU µs per call; x = DP / case)")
    print("   distance-only rows are compared with the DP on the same grapheme lists;")
    print("   the others with the answer end to end. Peers compare raw code points.")
    rng = random.Random(5)
    words = [w for w, _ in load_vocabulary("hi", 5_000)]
    for size in (100, 1_000):
        bench(size, words, 3 if args.quick else 7, rng)
    print()
    print_load("after")
    print("no target: issue 13 asks for the ratios only, since the grapheme fast path was removed")
    print(f"(done in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
