"""Pitfalls Q1-1 .. Q1-4: what the typical answer gets wrong, and that we do not."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from pyflakes.api import checkRecursive
from pyflakes.reporter import Reporter

from tarento_lib.cache import LinkedLRUCache, LRUCache

ROOT = Path(__file__).resolve().parents[2]
DELIBERATELY_BROKEN = ("review/buggy.py", "review/suggested.py")


class _Collect:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


def test_q1_1_library_has_no_undefined_names() -> None:
    """Q1-1: the typical answer annotates with a name it never imported; ours passes pyflakes."""
    out = _Collect()
    checkRecursive([str(ROOT / "tarento_lib")], Reporter(out, out))
    undefined = [line for line in "".join(out.lines).splitlines() if "undefined name" in line]
    # Q10's buggy and "usually suggested" versions keep their undefined names on purpose.
    assert [
        line for line in undefined if not any(name in line for name in DELIBERATELY_BROKEN)
    ] == []


@pytest.mark.parametrize("cls", [LRUCache, LinkedLRUCache])
@pytest.mark.parametrize("capacity", [0, -5])
def test_q1_2_every_implementation_rejects_capacity_below_one(cls: type, capacity: int) -> None:
    with pytest.raises(ValueError):
        cls(capacity)


@pytest.mark.parametrize("cls", [LRUCache, LinkedLRUCache])
def test_q1_3_a_cached_none_can_be_told_from_a_miss(cls: type) -> None:
    cache = cls(2)
    cache.put("k", None)
    sentinel = object()
    assert cache.get("k", sentinel) is None and cache.get("missing", sentinel) is sentinel
    assert "k" in cache and "missing" not in cache
    assert cache["k"] is None
    with pytest.raises(KeyError):
        cache["missing"]


@pytest.mark.parametrize("cls", [LRUCache, LinkedLRUCache])
def test_q1_4_concurrent_get_and_put_never_raise_and_stay_within_capacity(cls: type) -> None:
    cache = cls(3)
    errors: list[BaseException] = []
    sizes: list[int] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(5000):
                key = f"k{rng.randrange(6)}"
                cache.get(key) if rng.random() < 0.5 else cache.put(key, seed)
                sizes.append(len(cache))
        except Exception as exc:  # collected, then asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and max(sizes) <= 3
