"""Reading a bucket's level without touching it: ``TokenBucket.tokens``, ``LeakyBucket.level``
and the sampled trace behind the notebook's "tokens left" panel."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.clock import FakeClock, MonotonicClock
from tarento_lib.ratelimit import LeakyBucket, MemoryStore, TokenBucket
from tarento_lib.ratelimit.simulate import simulate, trace_tokens
from tests.ratelimit.conftest import make_store


def test_tokens_refill_continuously_between_requests(backend: str, prefix: str) -> None:
    clock = FakeClock()
    bucket = TokenBucket(5, 2.0, storage=make_store(backend), clock=clock, prefix=prefix)
    assert bucket.tokens("a") == 5.0  # an unknown key is a full bucket
    bucket.hit("a", cost=5)
    assert bucket.tokens("a") == pytest.approx(0.0)
    clock.advance(0.3)
    assert bucket.tokens("a") == pytest.approx(0.6)
    clock.advance(100.0)
    assert bucket.tokens("a") == 5.0  # capped at the capacity


def test_reading_the_level_takes_nothing(backend: str, prefix: str) -> None:
    clock = FakeClock()
    bucket = TokenBucket(3, 1.0, storage=make_store(backend), clock=clock, prefix=prefix)
    bucket.hit("a", cost=2)
    for _ in range(10):
        assert bucket.tokens("a") == pytest.approx(1.0)
    assert [bucket.hit("a").allowed for _ in range(2)] == [True, False]


def test_leaky_level_drains_continuously(backend: str, prefix: str) -> None:
    clock = FakeClock()
    bucket = LeakyBucket(5, 2.0, storage=make_store(backend), clock=clock, prefix=prefix)
    assert bucket.level("a") == 0.0
    bucket.hit("a", cost=3)
    clock.advance(0.25)
    assert bucket.level("a") == pytest.approx(2.5)
    assert bucket.level("a") == pytest.approx(2.5)  # a peek adds nothing
    clock.advance(10.0)
    assert bucket.level("a") == 0.0


def test_tokens_validates_the_key() -> None:
    bucket, not_a_key = TokenBucket(3, 1.0, clock=FakeClock()), object()
    with pytest.raises(ValueError, match="key"):
        bucket.tokens("")
    with pytest.raises(TypeError, match="key"):
        bucket.tokens(not_a_key)


@settings(max_examples=60, deadline=None)
@given(
    capacity=st.integers(1, 20),
    rate=st.floats(0.1, 10.0),
    steps=st.lists(st.tuples(st.floats(0.0, 3.0), st.integers(1, 20)), min_size=1, max_size=30),
)
def test_tokens_match_a_plain_model(
    capacity: int, rate: float, steps: list[tuple[float, int]]
) -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity, rate, storage=MemoryStore(), clock=clock)
    model = float(capacity)
    for gap, cost in steps:
        clock.advance(gap)
        model = min(capacity, model + gap * rate)
        assert bucket.tokens("k") == pytest.approx(model, abs=1e-6)
        cost = min(cost, capacity)
        if bucket.hit("k", cost).allowed:
            model = max(0.0, model - cost)
        assert 0.0 <= bucket.tokens("k") <= capacity


def test_trace_samples_the_refill_and_every_request() -> None:
    arrivals = [0.0, 0.0, 0.0, 1.0]
    outcomes, samples = trace_tokens(
        TokenBucket(3, 1.0, clock=FakeClock()), arrivals, until=5.0, every=0.5
    )
    same = simulate(TokenBucket(3, 1.0, clock=FakeClock()), arrivals)
    assert [o.decision for o in outcomes] == [o.decision for o in same]
    times = [t for t, _ in samples]
    assert times == sorted(times) and times[-1] == 5.0
    assert len(samples) == 11 + 2 * len(arrivals)  # the grid, then before and after each request
    level = dict(samples)  # the last sample at each time
    assert level[0.5] == pytest.approx(0.5)  # refilled between requests, not only at them
    assert level[1.0] == pytest.approx(0.0)  # the request at 1.0 took the token that came back
    assert level[4.0] == 3.0 and level[5.0] == 3.0  # full, and capped
    assert all(0.0 <= v <= 3.0 for _, v in samples)
    rises = [b - a for (s, a), (t, b) in itertools.pairwise(samples) if t > s]
    assert all(rise <= (0.5 * 1.0) + 1e-9 for rise in rises)  # never faster than the rate


def test_trace_on_redis_matches_memory(redis_backend: str, prefix: str) -> None:
    arrivals = [0.0, 0.2, 0.2, 0.2, 0.9, 2.5]
    runs = [
        trace_tokens(
            TokenBucket(3, 2.0, storage=store, clock=FakeClock(), prefix=prefix),
            arrivals,
            until=3.0,
        )
        for store in (MemoryStore(), make_store(redis_backend))
    ]
    (memory_outcomes, memory_samples), (redis_outcomes, redis_samples) = runs
    assert [o.decision for o in memory_outcomes] == [o.decision for o in redis_outcomes]
    assert [t for t, _ in memory_samples] == [t for t, _ in redis_samples]
    for (_, a), (_, b) in zip(memory_samples, redis_samples, strict=True):
        assert a == pytest.approx(b, abs=1e-9)


def test_trace_rejects_bad_input() -> None:
    bucket = TokenBucket(3, 1.0, clock=FakeClock())
    with pytest.raises(TypeError, match="FakeClock"):
        trace_tokens(TokenBucket(3, 1.0, clock=MonotonicClock()), [0.0], until=1.0)
    with pytest.raises(ValueError, match="ascending"):
        trace_tokens(bucket, [1.0, 0.5], until=2.0)
    with pytest.raises(ValueError, match=">= 0"):
        trace_tokens(bucket, [-1.0], until=2.0)
    with pytest.raises(ValueError, match="every"):
        trace_tokens(bucket, [0.0], until=2.0, every=0.0)
    with pytest.raises(ValueError, match="until"):
        trace_tokens(bucket, [0.0], until=-1.0)


def test_bucket_chart_draws_the_sampled_level() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tarento_lib.lab import bucket_chart

    outcomes, samples = trace_tokens(
        TokenBucket(2, 1.0, clock=FakeClock()), [0.0, 0.0, 0.0], until=2.0, every=0.5
    )
    left, right = bucket_chart(
        [o.time for o in outcomes],
        [o.allowed for o in outcomes],
        samples,
        capacity=2,
        rate=1.0,
    )
    level, refused = right.get_lines()
    assert list(level.get_ydata()) == [v for _, v in samples]
    assert list(refused.get_xdata()) == [0.0]  # the third request at t=0 found no token
    assert len(left.get_lines()) == 3
    with pytest.raises(ValueError, match="decisions"):
        bucket_chart([0.0], [], samples, capacity=2, rate=1.0)
    plt.close("all")
