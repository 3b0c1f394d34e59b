"""Where float arithmetic meets a limit: window boundaries and limits too large for a double."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import MAX_LIMIT, STRATEGIES, FixedWindow, SlidingLog

MakeStore = Callable[..., Any]

# Window lengths whose multiples k * window often land on the float just below a boundary,
# where floor(now / window) picks the previous window (2-12 % of the instants k * window).
WINDOWS = [0.1, 1 / 3, 0.7, 1.1]


@pytest.mark.parametrize("window", WINDOWS, ids=["0.1", "1/3", "0.7", "1.1"])
def test_fixed_window_opens_exactly_one_window_at_each_boundary(
    window: float, backend: str, prefix: str, make_store: MakeStore
) -> None:
    """At each instant k * window a new window starts: the limit, never more, and a reset ahead."""
    clock = FakeClock(0.0)
    limiter = FixedWindow(2, window, storage=make_store(backend), clock=clock, prefix=prefix)
    admitted, resets = [], []
    for k in range(1, 151):
        clock.set(k * window)
        decisions = [limiter.hit("u") for _ in range(5)]
        admitted.append(sum(d.allowed for d in decisions))
        resets.append(decisions[0].reset_after)
    assert admitted == [2] * 150
    assert resets == pytest.approx([window] * 150)  # a whole window ahead, never 0


@pytest.mark.parametrize("window", WINDOWS, ids=["0.1", "1/3", "0.7", "1.1"])
def test_fixed_window_never_over_the_limit_on_a_clock_stepping_by_the_window(
    window: float, backend: str, prefix: str, make_store: MakeStore
) -> None:
    clock = FakeClock(0.0)
    limiter = FixedWindow(3, window, storage=make_store(backend), clock=clock, prefix=prefix)
    admitted = []
    for _ in range(150):
        clock.advance(window)  # the sums drift from the products k * window by a few ulps
        admitted.append(sum(limiter.hit("u").allowed for _ in range(7)))
    assert max(admitted) == 3


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_limits_past_exact_integers_are_refused(
    name: str, backend: str, make_store: MakeStore
) -> None:
    """Above 2**53 - 1 a double (Lua's only number) cannot count one by one: refused up front."""
    cls = STRATEGIES[name]
    store = make_store(backend)
    for too_big in (MAX_LIMIT + 1, 2**64):
        with pytest.raises(ValueError, match=r"must be an int in \[1, 9007199254740991\]"):
            cls(too_big, 1.0, storage=store)
    assert cls(MAX_LIMIT, 1.0, storage=store).limit == MAX_LIMIT


@pytest.mark.parametrize("name", sorted(set(STRATEGIES) - {"sliding_log"}))
def test_the_largest_limit_is_exact(
    name: str, backend: str, prefix: str, make_store: MakeStore
) -> None:
    """Take the whole allowance at once, then one more unit: refused, nothing left."""
    limiter = STRATEGIES[name](
        MAX_LIMIT, 1.0, storage=make_store(backend), clock=FakeClock(5.0), prefix=prefix
    )
    first = limiter.hit("u", MAX_LIMIT)
    second = limiter.hit("u")
    assert (first.allowed, first.remaining, first.fallback) == (True, 0, False)
    assert (second.allowed, second.remaining, second.fallback) == (False, 0, False)


def test_the_largest_sliding_log_counts_one_by_one(
    backend: str, prefix: str, make_store: MakeStore
) -> None:
    limiter = SlidingLog(
        MAX_LIMIT, 1.0, storage=make_store(backend), clock=FakeClock(5.0), prefix=prefix
    )
    assert [limiter.hit("u").remaining for _ in range(3)] == [
        MAX_LIMIT - 1,
        MAX_LIMIT - 2,
        MAX_LIMIT - 3,
    ]
    assert limiter.peek("u").remaining == MAX_LIMIT - 3
