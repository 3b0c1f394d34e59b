"""The simulation helpers behind the throttle curves."""

from __future__ import annotations

import pytest

from tarento_lib.clock import FakeClock, MonotonicClock
from tarento_lib.ratelimit import FixedWindow, LeakyBucket, SlidingLog, TokenBucket
from tarento_lib.ratelimit.simulate import leaky_departures, max_in_window, per_second, simulate
from tarento_lib.workloads import bursty_arrivals, steady_arrivals


def test_simulate_moves_the_fake_clock() -> None:
    clock = FakeClock(100.0)
    outcomes = simulate(SlidingLog(2, 1.0, clock=clock), [0.0, 0.1, 0.2, 1.05])
    assert [o.allowed for o in outcomes] == [True, True, False, True]
    assert [o.time for o in outcomes] == [0.0, 0.1, 0.2, 1.05] and clock.now() == pytest.approx(
        101.05
    )


def test_simulate_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="FakeClock"):
        simulate(SlidingLog(2, 1.0, clock=MonotonicClock()), [0.0])
    with pytest.raises(ValueError, match="ascending"):
        simulate(SlidingLog(2, 1.0, clock=FakeClock()), [1.0, 0.5])
    with pytest.raises(ValueError, match=">= 0"):
        simulate(SlidingLog(2, 1.0, clock=FakeClock()), [-1.0])


def test_throttle_curve_properties() -> None:
    arrivals = bursty_arrivals(
        burst_size=30, burst_every=10.0, duration=60.0, spread=2.0, start=9.0
    )
    log = [o.time for o in simulate(SlidingLog(10, 10.0, clock=FakeClock()), arrivals) if o.allowed]
    fixed = [
        o.time for o in simulate(FixedWindow(10, 10.0, clock=FakeClock()), arrivals) if o.allowed
    ]
    assert max_in_window(log, 10.0) == 10
    assert max_in_window(fixed, 10.0) == 20  # the boundary burst: twice the limit
    bucket = simulate(
        TokenBucket(10, 1.0, clock=FakeClock()), steady_arrivals(rate=5.0, duration=20.0)
    )
    admitted = [o.time for o in bucket if o.allowed]
    counts = per_second(admitted, duration=20.0)
    assert counts[:2] == [5, 5] and all(
        c <= 1 for c in counts[5:]
    )  # the burst from a full bucket, then the rate
    assert len(admitted) <= 10 + 1.0 * 20.0


def test_per_second_and_departures() -> None:
    assert per_second([0.1, 0.9, 1.0, 2.5], duration=3.0) == [2, 1, 1]
    assert max_in_window([], 1.0) == 0
    assert leaky_departures([0.0, 0.0, 0.0, 5.0], rate=2.0) == [0.0, 0.5, 1.0, 5.0]
    bucket = LeakyBucket(3, 2.0, clock=FakeClock())
    assert [o.allowed for o in simulate(bucket, [0.0, 0.0, 0.0, 0.0, 0.5])] == [
        True,
        True,
        True,
        False,
        True,
    ]
