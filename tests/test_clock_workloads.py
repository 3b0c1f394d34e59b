"""The shared foundations: injectable clocks and seeded workloads."""

from __future__ import annotations

import asyncio
import copy
import math
import pickle
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tarento_lib import workloads as w
from tarento_lib.clock import DatedClock, FakeClock, MonotonicClock


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(start=5)
    assert clock.now() == 5.0
    clock.sleep(1.5)
    assert clock.advance(0.5) == 7.0 and clock.sleeps == [1.5]
    clock.set(10)
    assert clock.now() == 10.0
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(9)


def test_fake_clock_async_sleep_is_instant_and_yields() -> None:
    clock = FakeClock()
    order: list[str] = []

    async def sleeper() -> None:
        await clock.asleep(60)
        order.append("sleeper")

    async def other() -> None:
        order.append("other")

    async def main() -> None:
        await asyncio.gather(sleeper(), other())

    asyncio.run(main())
    assert clock.now() == 60 and order == ["other", "sleeper"]


@pytest.mark.parametrize("bad", [-1, math.inf, math.nan])
def test_negative_or_infinite_sleeps_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="seconds"):
        FakeClock().advance(bad)
    with pytest.raises(ValueError, match="seconds"):
        MonotonicClock().sleep(bad)


def test_bad_start_and_types() -> None:
    with pytest.raises(ValueError, match="start"):
        FakeClock(start=math.nan)
    with pytest.raises(TypeError, match="seconds"):
        FakeClock().sleep("1")


@pytest.mark.parametrize(
    "duplicate", [copy.copy, copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))]
)
def test_fake_clock_copies_keep_the_time_not_the_lock(duplicate: Callable[[Any], Any]) -> None:
    clock = FakeClock(5.0)
    clock.sleep(1.5)
    clock.step_wall(-60)
    twin = duplicate(clock)
    assert (twin.now(), twin.sleeps) == (6.5, [1.5]) and twin._lock is not clock._lock
    assert twin.wall() == clock.wall()
    twin.sleep(1.0)
    assert (clock.now(), clock.sleeps) == (6.5, [1.5])


def test_both_clocks_satisfy_the_protocol() -> None:
    assert isinstance(FakeClock(), DatedClock) and isinstance(MonotonicClock(), DatedClock)
    real = MonotonicClock()
    assert real.now() <= real.now()
    assert real.wall().tzinfo is UTC


def test_a_fake_clock_tells_the_date_from_its_seconds() -> None:
    start = datetime(2026, 1, 26, 9, 0, tzinfo=UTC)
    clock = FakeClock(start.timestamp())
    assert clock.wall() == start
    clock.advance(90)
    assert clock.wall() == start + timedelta(seconds=90)


def test_stepping_the_wall_clock_leaves_monotonic_time_alone() -> None:
    """What an NTP step does: dates jump, durations measured on ``now()`` do not."""
    clock = FakeClock(1_800_000_000.0)
    before = clock.wall()
    assert clock.step_wall(-3600) == before - timedelta(hours=1)
    assert clock.now() == 1_800_000_000.0
    clock.advance(5)
    assert clock.wall() == before - timedelta(seconds=3595)


def test_a_wall_step_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="seconds"):
        FakeClock().step_wall("1h")


def test_zipf_is_seeded_and_skewed() -> None:
    a = w.zipf_keys(5000, n_keys=100, skew=1.2, seed=1)
    assert a == w.zipf_keys(5000, n_keys=100, skew=1.2, seed=1)
    assert a != w.zipf_keys(5000, n_keys=100, skew=1.2, seed=2)
    counts = Counter(a)
    assert counts[0] > counts[1] > counts[10] and set(a) <= set(range(100))
    assert w.zipf_keys(3, n_keys=10, seed=0) == [6, 4, 1]  # the same on every machine


def test_uniform_when_skew_is_zero() -> None:
    counts = Counter(w.zipf_keys(20000, n_keys=4, skew=0, seed=3))
    assert max(counts.values()) / min(counts.values()) < 1.1


def test_scan_loop_mixture() -> None:
    assert w.scan_keys(3, start=10) == [10, 11, 12]
    assert w.loop_keys(5, loop_size=2) == [0, 1, 0, 1, 0]
    mixed = w.mixture([[1, 1, 1], [2]], [1, 1], n=10, seed=0)
    assert sorted(mixed) == [1, 1, 1, 2]
    heavy = w.scan_heavy_keys(1000, n_keys=50, scan_fraction=0.25, seed=4)
    scans = [k for k in heavy if k >= 50]
    assert scans == sorted(scans) and len(set(scans)) == len(scans) and 150 < len(scans) < 350


def test_arrivals() -> None:
    assert w.steady_arrivals(rate=4, duration=1) == [0.0, 0.25, 0.5, 0.75]
    assert w.bursty_arrivals(
        burst_size=3, burst_every=1, duration=2.5, spread=0.3
    ) == pytest.approx([0.0, 0.1, 0.2, 1.0, 1.1, 1.2, 2.0, 2.1, 2.2])
    poisson = w.poisson_arrivals(rate=50, duration=10, seed=1)
    assert poisson == sorted(poisson) and 400 < len(poisson) < 600 and poisson[-1] < 10


@pytest.mark.parametrize(
    "call",
    [
        lambda: w.zipf_keys(10, n_keys=0),
        lambda: w.zipf_keys(10, skew=-1),
        lambda: w.loop_keys(10, loop_size=0),
        lambda: w.scan_heavy_keys(10, scan_fraction=1.5),
        lambda: w.steady_arrivals(rate=0, duration=1),
        lambda: w.mixture([[1]], [1, 2], n=1),
        lambda: w.poisson_arrivals(rate=math.inf, duration=1),
    ],
)
def test_bad_workload_arguments(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_wrong_types() -> None:
    with pytest.raises(TypeError, match="n_keys"):
        w.zipf_keys(10, n_keys=2.5)
