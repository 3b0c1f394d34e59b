"""The mock interviews of Q2 (sliding window) and Q5 (token bucket): each follow-up fails the
candidate who skips it, at that stage and no earlier; each probe sets up what it says it times.

Every wrong candidate below is the interview answer with one follow-up left undone, so it
passes the stages before and fails only the new cases of its own stage.
"""

from __future__ import annotations

import contextlib
from collections import deque
from typing import Any

import pytest

from tarento_lib.answers.q02_sliding_window import SlidingWindowLimiter
from tarento_lib.answers.q05_token_bucket import TokenBucket as AnswerBucket
from tarento_lib.answers.q05_token_bucket import _check_cost
from tarento_lib.grading import run_suite
from tarento_lib.interview.plan import interview_plan

ANSWERS = {"q02": SlidingWindowLimiter, "q05": AnswerBucket}


# --- Q2: the answer, each time without one follow-up ----------------------------------------
class TruncatedRetryLimiter(SlidingWindowLimiter):
    """Stage 2 undone: Retry-After in whole seconds, rounded down."""

    def retry_after(self, key: str) -> float:
        return float(int(super().retry_after(key)))


class NoSweepLimiter(SlidingWindowLimiter):
    """Stage 3 undone: a key's log is pruned only when that key calls again."""

    def _log(self, key: str, now: float) -> deque[float]:
        log = self._logs.setdefault(key, deque())
        while log and log[0] + self.window <= now:
            log.popleft()
        return log


class NoLockLimiter(SlidingWindowLimiter):
    """Stage 4 undone: no lock."""

    def __init__(self, limit: int, window: float, *, clock: Any = None) -> None:
        super().__init__(limit, window, clock=clock)
        self._lock = contextlib.nullcontext()


class PipelineLimiter(SlidingWindowLimiter):
    """Stage 5 done the usual way: a pipeline that records every request, the time as member."""

    def __init__(self, limit: int, window: float, *, clock: Any = None, redis: Any = None):
        super().__init__(limit, window, clock=clock)
        self._redis = redis

    def allow(self, key: str) -> bool:
        if self._redis is None:
            return super().allow(key)
        now = self._now()
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(key, 0, now - self.window)
        pipe.zcard(key)
        pipe.zadd(key, {str(now): now})
        pipe.expire(key, int(self.window))
        return pipe.execute()[1] < self.limit

    def retry_after(self, key: str) -> float:
        if self._redis is None:
            return super().retry_after(key)
        oldest = self._redis.zrange(key, 0, 0, withscores=True)
        return max(0.0, oldest[0][1] + self.window - self._now()) if oldest else 0.0


# --- Q5: the answer, each time without one follow-up ----------------------------------------
class NoCostCheckBucket(AnswerBucket):
    """Stage 2 undone: a cost above the capacity is simply refused, forever."""

    def allow(self, key: str, cost: int = 1) -> bool:
        return False if cost > self.capacity else super().allow(key, cost)


class TruthyTimeoutBucket(AnswerBucket):
    """Stage 3 undone: the usual wait, where `if timeout` takes 0 for "no timeout"."""

    def wait(self, key: str, cost: int = 1, timeout: float | None = None) -> bool:
        start = self._now()
        while not self.allow(key, cost):
            if timeout and self._now() - start >= timeout:
                return False
            self._sleep(self.retry_after(key, cost))
        return True


class NoLockBucket(AnswerBucket):
    """Stage 4 undone: no lock."""

    def __init__(self, capacity: int, rate: float, *, clock: Any = None) -> None:
        super().__init__(capacity, rate, clock=clock)
        self._lock = contextlib.nullcontext()


class NoExpiryBucket(AnswerBucket):
    """Stage 5 half done: buckets shared in Redis hashes, but they never expire."""

    def __init__(self, capacity: int, rate: float, *, clock: Any = None, redis: Any = None):
        super().__init__(capacity, rate, clock=clock)
        self._redis = redis

    def _tokens(self, key: str, now: float) -> float:
        if self._redis is None:
            return super()._tokens(key, now)
        tokens, updated = self._redis.hmget(key, "tokens", "updated")
        if tokens is None:
            return float(self.capacity)
        elapsed = max(0.0, now - float(updated))
        return min(self.capacity, float(tokens) + elapsed * self.rate)

    def allow(self, key: str, cost: int = 1) -> bool:
        if self._redis is None:
            return super().allow(key, cost)
        _check_cost(cost, self.capacity)
        with self._lock:
            now = self._now()
            tokens = self._tokens(key, now)
            if tokens < cost:
                return False
            self._redis.hset(key, mapping={"tokens": tokens - cost, "updated": now})
            return True


WRONG = [
    ("q02", 2, TruncatedRetryLimiter),
    ("q02", 3, NoSweepLimiter),
    ("q02", 4, NoLockLimiter),
    ("q02", 5, PipelineLimiter),
    ("q05", 2, NoCostCheckBucket),
    ("q05", 3, TruthyTimeoutBucket),
    ("q05", 4, NoLockBucket),
    ("q05", 5, NoExpiryBucket),
]


@pytest.mark.parametrize(
    ("number", "stage", "candidate"), WRONG, ids=[cls.__name__ for _, _, cls in WRONG]
)
def test_a_follow_up_left_undone_fails_exactly_its_stage(
    number: str, stage: int, candidate: type
) -> None:
    plan = interview_plan(number)
    card = run_suite(candidate, plan.stage_suite(stage))
    failed = {result.name for result in card.failed}
    new = {case.name for case in plan.stages[stage - 1].cases}
    assert not card.problem, card.problem
    assert failed, f"{candidate.__name__} passed stage {stage}"
    assert failed <= new, card.render()  # every earlier stage's case still passes


def test_the_sliding_window_probe_slides_a_full_window_beside_live_clients() -> None:
    """Each operation admits one request of the full key, which is full again after it, and
    renews one client: every client keeps a request in the window."""
    probe = interview_plan("q02").probe
    assert probe is not None
    made: list[SlidingWindowLimiter] = []
    seen: list[tuple[str, bool]] = []

    class Recording(SlidingWindowLimiter):
        def __init__(self, limit: int, window: float, *, clock: Any = None) -> None:
            super().__init__(limit, window, clock=clock)
            made.append(self)

        def allow(self, key: str) -> bool:
            seen.append((key, super().allow(key)))
            return seen[-1][1]

    for size in probe.sizes:
        seen.clear()
        operation = probe.prepare(Recording, size)
        for i in range(2 * size + 3):
            operation(i)
            assert made[-1].retry_after("k") > 0  # full again: one left, one came in
        assert all(allowed for _, allowed in seen)
        assert len(made[-1]._logs) == size + 1  # the key and every client, none idle


def test_the_token_bucket_probe_keeps_every_bucket_in_use() -> None:
    probe = interview_plan("q05").probe
    assert probe is not None
    made: list[AnswerBucket] = []

    class Recording(AnswerBucket):
        def __init__(self, capacity: int, rate: float, *, clock: Any = None) -> None:
            super().__init__(capacity, rate, clock=clock)
            made.append(self)

    for size in probe.sizes:
        operation = probe.prepare(Recording, size)
        for i in range(7 * probe.repeat):  # the rounds the measurement times
            operation(i)
        bucket = made[-1]
        assert len(bucket._buckets) == size
        assert all(bucket.retry_after(f"client-{n}") == 0 for n in range(size))
