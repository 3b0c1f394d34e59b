"""Hypothesis: on random arrival sequences the sliding log admits exactly what a brute-force
model admits (memory, fakeredis, and the real Redis when ``TARENTO_REDIS_URL`` is set)."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import MemoryStore, SlidingLog, TokenBucket
from tarento_lib.ratelimit.decision import EPSILON


def read_log(client, key: str) -> list[float]:
    """The admission times a Redis sliding log holds (its sorted set's scores), oldest first."""
    return [score for _, score in client.zrange(key, 0, -1, withscores=True)]


# Times on a millisecond grid (in integer ms) keep the model's arithmetic exact.
gaps = st.lists(st.integers(min_value=0, max_value=3000), min_size=1, max_size=60)
costs = st.integers(min_value=1, max_value=3)


def brute_force_log(
    times_ms: list[int], costs_: list[int], limit: int, window_ms: int
) -> list[bool]:
    admitted: list[int] = []  # one entry per admitted unit
    out = []
    for t, cost in zip(times_ms, costs_, strict=True):
        in_window = sum(1 for a in admitted if t - a < window_ms)
        ok = in_window + cost <= limit
        if ok:
            admitted.extend([t] * cost)
        out.append(ok)
    return out


def brute_force_bucket(
    times_ms: list[int], costs_: list[int], capacity: int, per_token_ms: int
) -> list[bool]:
    tokens_milli, last = (
        capacity * per_token_ms,
        times_ms[0],
    )  # tokens scaled by per_token_ms: all integers
    out = []
    for t, cost in zip(times_ms, costs_, strict=True):
        tokens_milli = min(capacity * per_token_ms, tokens_milli + (t - last))
        last = t
        ok = tokens_milli >= cost * per_token_ms
        if ok:
            tokens_milli -= cost * per_token_ms
        out.append(ok)
    return out


def run(limiter, clock: FakeClock, times_ms: list[int], costs_: list[int]) -> list[bool]:
    out = []
    for t, cost in zip(times_ms, costs_, strict=True):
        move_to(clock, t)
        out.append(limiter.hit("k", cost=cost).allowed)
    return out


def move_to(clock: FakeClock, t_ms: int) -> None:
    """Set the clock to ``t_ms``; a repeated time leaves it alone (set() adds a difference,
    and float rounding may already have put it one ulp past that time)."""
    if t_ms / 1000 > clock.now():
        clock.set(t_ms / 1000)


def cumulative(gaps_: list[int]) -> list[int]:
    times, t = [], 0
    for gap in gaps_:
        t += gap
        times.append(t)
    return times


@settings(max_examples=150, deadline=None)
@given(
    gaps=gaps,
    limit=st.integers(min_value=3, max_value=6),
    window_ms=st.integers(min_value=1, max_value=8000),
    data=st.data(),
)
def test_sliding_log_matches_brute_force(
    gaps: list[int], limit: int, window_ms: int, data: st.DataObject
) -> None:
    times = cumulative(gaps)
    costs_ = data.draw(st.lists(costs, min_size=len(times), max_size=len(times)))
    clock = FakeClock(0.0)
    limiter = SlidingLog(limit, window_ms / 1000, storage=MemoryStore(), clock=clock)
    assert run(limiter, clock, times, costs_) == brute_force_log(times, costs_, limit, window_ms)


# The two fixtures are stateless (a backend name and a builder), so sharing them across examples is
# safe.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gaps=gaps,
    limit=st.integers(min_value=3, max_value=6),
    window_ms=st.integers(min_value=1, max_value=8000),
    data=st.data(),
)
def test_sliding_log_on_redis_matches_brute_force(
    redis_backend: str,
    make_store,
    gaps: list[int],
    limit: int,
    window_ms: int,
    data: st.DataObject,
) -> None:
    times = cumulative(gaps)
    costs_ = data.draw(st.lists(costs, min_size=len(times), max_size=len(times)))
    clock = FakeClock(0.0)
    store = make_store(redis_backend)
    limiter = SlidingLog(
        limit, window_ms / 1000, storage=store, clock=clock, prefix=f"t{uuid.uuid4().hex[:12]}"
    )
    try:
        assert run(limiter, clock, times, costs_) == brute_force_log(
            times, costs_, limit, window_ms
        )
        assert len(read_log(store.client, limiter._prefix + "k")) <= limit  # O(limit) per key
    finally:
        limiter.reset("k")


@settings(max_examples=150, deadline=None)
@given(
    gaps=gaps,
    capacity=st.integers(min_value=3, max_value=6),
    per_token_ms=st.sampled_from([125, 250, 500, 1000, 2000]),
    data=st.data(),
)
def test_token_bucket_matches_brute_force(
    gaps: list[int], capacity: int, per_token_ms: int, data: st.DataObject
) -> None:
    times = cumulative(gaps)
    costs_ = data.draw(st.lists(costs, min_size=len(times), max_size=len(times)))
    clock = FakeClock(0.0)
    bucket = TokenBucket(capacity, 1000 / per_token_ms, clock=clock)
    assert run(bucket, clock, times, costs_) == brute_force_bucket(
        times, costs_, capacity, per_token_ms
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    times=st.lists(st.integers(min_value=0, max_value=20_000), min_size=1, max_size=60),
    limit=st.integers(min_value=3, max_value=6),
    window_ms=st.integers(min_value=1, max_value=8000),
    data=st.data(),
)
def test_sliding_log_on_redis_with_clocks_out_of_order(
    redis_backend: str,
    make_store,
    times: list[int],
    limit: int,
    window_ms: int,
    data: st.DataObject,
) -> None:
    """Servers whose clocks disagree: each step is exact against the stored log, which stays sorted
    and short.

    (Not the whole-history model above: an admission on a clock that is ahead drops entries that a
    clock behind it would still count, as any trimmed log must.)
    """
    costs_ = data.draw(st.lists(costs, min_size=len(times), max_size=len(times)))
    store, prefix, window = make_store(redis_backend), f"t{uuid.uuid4().hex[:12]}", window_ms / 1000
    for t, cost in zip(
        times, costs_, strict=True
    ):  # each request handled by a "server" whose clock reads t
        server = SlidingLog(limit, window, storage=store, clock=FakeClock(t / 1000), prefix=prefix)
        before = read_log(store.client, server._prefix + "k")
        live = [a for a in before if a > t / 1000 - window + EPSILON]
        decision = server.hit("k", cost=cost)
        after = read_log(store.client, server._prefix + "k")
        assert decision.allowed == (len(live) + cost <= limit)
        assert after == (sorted(live + [t / 1000] * cost) if decision.allowed else live)
        assert len(after) <= limit
    server.reset("k")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=120),
    limit=st.integers(min_value=17, max_value=40),
    window_ms=st.integers(min_value=1000, max_value=20_000),
    data=st.data(),
)
def test_long_sliding_log_on_redis_matches_brute_force(
    redis_backend: str,
    make_store,
    gaps: list[int],
    limit: int,
    window_ms: int,
    data: st.DataObject,
) -> None:
    """Logs longer than the script's first read (16 entries), costs that reach past it: the same
    decisions as the memory store, to the last bit of every duration, and as brute force."""
    times = cumulative(gaps)
    costs_ = data.draw(
        st.lists(
            st.integers(min_value=1, max_value=limit), min_size=len(times), max_size=len(times)
        )
    )
    clock = FakeClock(0.0)
    store = make_store(redis_backend)
    on_redis = SlidingLog(
        limit, window_ms / 1000, storage=store, clock=clock, prefix=f"t{uuid.uuid4().hex[:12]}"
    )
    in_memory = SlidingLog(limit, window_ms / 1000, storage=MemoryStore(), clock=clock)
    try:
        decisions = []
        for t, cost in zip(times, costs_, strict=True):
            move_to(clock, t)
            peeked = on_redis.peek("k", cost=cost)
            assert peeked == in_memory.peek("k", cost=cost)
            decisions.append(on_redis.hit("k", cost=cost))
            assert (
                decisions[-1] == in_memory.hit("k", cost=cost)
                and decisions[-1].allowed == peeked.allowed
            )
        assert [d.allowed for d in decisions] == brute_force_log(times, costs_, limit, window_ms)
        assert len(read_log(store.client, on_redis._prefix + "k")) <= limit
    finally:
        on_redis.reset("k")
