"""The limiter suites: the reference passes every case; broken candidates fail the right ones."""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import pytest

from tarento_lib.clock import Clock
from tarento_lib.grading import run_suite
from tarento_lib.ratelimit import FixedWindow, LeakyBucket, SlidingLog, TokenBucket
from tarento_lib.ratelimit.conformance import SUITES


def failed(candidate: Any, suite: str) -> set[str]:
    return {r.name for r in run_suite(candidate, suite).failed}


def test_suites_registered() -> None:
    assert set(SUITES) == {"sliding_window", "token_bucket"}


@pytest.mark.parametrize(
    ("candidate", "suite"),
    [(SlidingLog, "sliding_window"), (TokenBucket, "token_bucket"), (LeakyBucket, "token_bucket")],
)
def test_reference_passes_everything(candidate: Any, suite: str) -> None:
    card = run_suite(candidate, suite)
    assert card.ok, card.render()


def test_fixed_window_fails_the_sliding_cases() -> None:
    assert failed(FixedWindow, "sliding_window") == {
        "the window slides with time",
        "no burst across a window boundary",
        "retry_after is never too short",
    }


class RecordsDenied:
    """The typical answer: appends every request, even the denied ones; truncates retry_after."""

    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        if limit < 1 or not (0 < window < math.inf):
            raise ValueError("bad config")
        self.limit, self.window, self.clock = limit, window, clock
        self.log: dict[str, deque[float]] = {}

    def _prune(self, key: str) -> deque[float]:
        log = self.log.setdefault(key, deque())
        while log and log[0] <= self.clock.now() - self.window:
            log.popleft()
        return log

    def allow(self, key: str) -> bool:
        log = self._prune(key)
        ok = len(log) < self.limit
        log.append(self.clock.now())
        return ok

    def retry_after(self, key: str) -> float:
        log = self._prune(key)
        return int(log[0] + self.window - self.clock.now()) if log else 0


def test_recording_denied_requests_is_caught() -> None:
    assert failed(RecordsDenied, "sliding_window") == {
        "the window slides with time",
        "a denied request is not recorded",
        "retry_after is 0 under the limit",
        "retry_after is never too short",
    }


class NaiveBucket:
    """The typical token bucket: no cost check, `if timeout and`, and no validation of the rate."""

    def __init__(self, capacity: int, rate: float, clock: Clock) -> None:
        self.capacity, self.rate, self.clock = capacity, rate, clock
        self.tokens: dict[str, tuple[float, float]] = {}

    def _refill(self, key: str) -> float:
        tokens, last = self.tokens.get(key, (self.capacity, self.clock.now()))
        tokens = min(self.capacity, tokens + (self.clock.now() - last) * self.rate)
        self.tokens[key] = (tokens, self.clock.now())
        return tokens

    def allow(self, key: str, cost: int = 1) -> bool:
        tokens = self._refill(key)
        if tokens >= cost:
            self.tokens[key] = (tokens - cost, self.clock.now())
            return True
        return False

    def retry_after(self, key: str, cost: int = 1) -> float:
        return max(0.0, (cost - self._refill(key)) / self.rate)

    def wait(self, key: str, cost: int = 1, timeout: float | None = None) -> bool:
        start = self.clock.now()
        for _ in range(1000):  # bounded here so the test ends; the typical answer loops forever
            if self.allow(key, cost):
                return True
            if timeout and self.clock.now() - start >= timeout:
                return False
            self.clock.sleep(0.1)
        return False


def test_naive_bucket_is_caught() -> None:
    assert failed(NaiveBucket, "token_bucket") == {
        "a cost above the capacity is refused",
        "wait with timeout 0 tries once",
        "a bad capacity or rate is refused",
    }


class Stub:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def allow(self, key: str, cost: int = 1) -> bool:
        raise NotImplementedError

    def retry_after(self, key: str, cost: int = 1) -> float:
        raise NotImplementedError

    def wait(self, key: str, cost: int = 1, timeout: float | None = None) -> bool:
        raise NotImplementedError


@pytest.mark.parametrize("suite", ["sliding_window", "token_bucket"])
def test_stub_fails_every_behaviour_case(suite: str) -> None:
    assert failed(Stub, suite) == {case.name for case in SUITES[suite].cases}


def test_cli_check(tmp_path) -> None:
    from tarento_lib.cli import main

    solution = tmp_path / "solution.py"
    solution.write_text(
        "from tarento_lib.ratelimit import SlidingLog\n\nclass Mine(SlidingLog):\n    pass\n"
    )
    assert main(["check", "q02", str(solution)]) == 0
    solution.write_text(
        "from tarento_lib.ratelimit import TokenBucket\n\nclass Mine(TokenBucket):\n    pass\n"
    )
    assert main(["check", "q05", str(solution)]) == 0
