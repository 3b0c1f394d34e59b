"""Q1's probe times what it claims to (hits and evictions on a full cache), so a cache that
scans on a hit cannot hide behind misses."""

from __future__ import annotations

from typing import Any, ClassVar

from tarento_lib.interview.plan import interview_plan
from tests.model_answers import answer_module, answer_of

PLAN = interview_plan("q01")
ANSWER: Any = answer_of(answer_module("q01"))
MISSING = object()


class Counting(ANSWER):
    """The interview answer, counting misses and keeping its instances."""

    made: ClassVar[list[Counting]] = []

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity)
        self.misses = 0
        Counting.made.append(self)

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, MISSING)
        self.misses += found is MISSING
        return default if found is MISSING else found


def test_every_read_of_the_probe_hits_and_the_cache_stays_full() -> None:
    assert PLAN.probe is not None
    for size in PLAN.probe.sizes:
        operation = PLAN.probe.prepare(Counting, size)
        for i in range(7 * PLAN.probe.repeat):  # as many operations as the runner times
            operation(i)
        cache = Counting.made[-1]
        assert (cache.misses, len(cache)) == (0, size)
