"""One behaviour contract per strategy, run on every backend (memory, fakeredis, real Redis)."""

from __future__ import annotations

import math

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.ratelimit import (
    STRATEGIES,
    FixedWindow,
    LeakyBucket,
    RateLimitExceeded,
    SlidingLog,
    SlidingWindowCounter,
    TokenBucket,
)


def build(cls, store, clock, prefix, limit=3, period=10.0):
    return cls(limit, period, storage=store, clock=clock, prefix=prefix)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_burst_of_limit_then_denied(name: str, store, clock, prefix) -> None:
    limiter = build(
        STRATEGIES[name], store, clock, prefix, limit=3, period=1.0 if "bucket" in name else 10.0
    )
    decisions = [limiter.hit("ana") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert all(d.limit == 3 and d.retry_after == 0 for d in decisions[:3])
    assert decisions[3].retry_after > 0


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_waiting_retry_after_is_enough(name: str, store, clock, prefix) -> None:
    limiter = build(
        STRATEGIES[name], store, clock, prefix, limit=3, period=0.7 if "bucket" in name else 7.0
    )
    for step in range(40):
        decision = limiter.hit("ana", cost=1 + step % 2)
        if not decision.allowed:
            clock.advance(decision.retry_after)
            assert limiter.hit("ana", cost=1 + step % 2).allowed
        clock.advance(0.3)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_peek_consumes_nothing(name: str, store, clock, prefix) -> None:
    limiter = build(STRATEGIES[name], store, clock, prefix, limit=2)
    assert [limiter.peek("ana").allowed for _ in range(5)] == [True] * 5
    assert limiter.hit("ana").remaining == 1
    assert limiter.peek("ana").remaining == 1
    assert limiter.peek("ana", cost=2).allowed is False


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_denied_consumes_nothing(name: str, store, clock, prefix) -> None:
    limiter = build(STRATEGIES[name], store, clock, prefix, limit=3)
    assert limiter.hit("ana", cost=2).allowed
    assert not limiter.hit("ana", cost=2).allowed
    assert limiter.hit("ana", cost=1).allowed


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_reset_and_keys_are_independent(name: str, store, clock, prefix) -> None:
    limiter = build(STRATEGIES[name], store, clock, prefix, limit=1)
    assert limiter.hit("ana").allowed and not limiter.hit("ana").allowed
    assert limiter.hit("ben").allowed
    limiter.reset("ana")
    assert limiter.hit("ana").allowed


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_different_limits_do_not_share_state(name: str, store, clock, prefix) -> None:
    small = build(STRATEGIES[name], store, clock, prefix, limit=1)
    large = build(STRATEGIES[name], store, clock, prefix, limit=5)
    small.hit("ana")
    assert large.hit("ana").remaining == 4


def test_fixed_window_boundary_burst(store, clock, prefix) -> None:
    limiter = FixedWindow(3, 10.0, storage=store, clock=FakeClock(0.0), prefix=prefix)
    limiter.clock.set(9.5)
    first = [limiter.hit("ana").allowed for _ in range(3)]
    limiter.clock.set(10.0)
    second = [limiter.hit("ana").allowed for _ in range(3)]
    assert first + second == [True] * 6  # 2x the limit within 0.5 s


def test_fixed_window_reset_after_is_window_end(store, prefix) -> None:
    limiter = FixedWindow(2, 10.0, storage=store, clock=FakeClock(12.5), prefix=prefix)
    assert limiter.hit("ana").reset_after == pytest.approx(7.5)


def test_sliding_log_frees_each_slot_one_window_later(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingLog(3, 10.0, storage=store, clock=clock, prefix=prefix)
    admitted = []
    for t in [0, 4, 8, 9, 10, 11, 14, 17.9, 18]:
        clock.set(t)
        if limiter.hit("ana").allowed:
            admitted.append(t)
    assert admitted == [0, 4, 8, 10, 14, 18]


def test_sliding_log_retry_after_points_at_the_right_entry(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingLog(3, 10.0, storage=store, clock=clock, prefix=prefix)
    for t in (1, 2, 3):
        clock.set(t)
        limiter.hit("ana")
    clock.set(5)
    assert limiter.peek("ana").retry_after == pytest.approx(6.0)  # t=1 leaves at 11
    assert limiter.peek("ana", cost=2).retry_after == pytest.approx(7.0)  # t=2 leaves at 12
    assert limiter.peek("ana").reset_after == pytest.approx(8.0)


def test_sliding_window_counter_weights_previous_window(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingWindowCounter(10, 10.0, storage=store, clock=clock, prefix=prefix)
    for _ in range(10):
        limiter.hit("ana")
    clock.set(15.0)  # half of the previous window still overlaps: 10 * 0.5 = 5 used
    assert limiter.peek("ana").remaining == 5
    assert sum(limiter.hit("ana").allowed for _ in range(10)) == 5


def test_token_bucket_refills_to_capacity_only(store, prefix) -> None:
    clock = FakeClock(0.0)
    bucket = TokenBucket(5, 2.0, storage=store, clock=clock, prefix=prefix)
    assert sum(bucket.hit("ana").allowed for _ in range(10)) == 5
    clock.advance(1.0)
    assert sum(bucket.hit("ana").allowed for _ in range(10)) == 2
    clock.advance(3600.0)
    assert bucket.peek("ana").remaining == 5
    assert bucket.peek("ana").reset_after == 0


def test_leaky_bucket_room_and_drain(store, prefix) -> None:
    clock = FakeClock(0.0)
    bucket = LeakyBucket(4, 1.0, storage=store, clock=clock, prefix=prefix)
    assert [bucket.hit("ana").allowed for _ in range(5)] == [True] * 4 + [False]
    assert bucket.peek("ana").reset_after == pytest.approx(4.0)
    clock.advance(2.5)
    assert [bucket.hit("ana").allowed for _ in range(3)] == [True, True, False]


@pytest.mark.parametrize("cls", [TokenBucket, LeakyBucket])
def test_bucket_wait_blocks_on_the_clock(cls, store, prefix) -> None:
    clock = FakeClock(0.0)
    bucket = cls(2, 0.5, storage=store, clock=clock, prefix=prefix)
    bucket.hit("ana", cost=2)
    assert bucket.wait("ana", timeout=None) is True
    assert clock.now() == pytest.approx(2.0)
    assert bucket.wait("ana", cost=2, timeout=1.0) is False
    assert clock.now() == pytest.approx(2.0)  # gave up at once: 4 s needed, 1 s allowed
    assert bucket.wait("ana", cost=2, timeout=4.0) is True


def test_headers_round_up(store, prefix) -> None:
    clock = FakeClock(0.0)
    limiter = SlidingLog(1, 10.0, storage=store, clock=clock, prefix=prefix)
    clock.set(0.2)
    limiter.hit("ana")
    clock.set(9.5)
    denied = limiter.hit("ana")
    assert denied.headers() == {
        "RateLimit-Limit": "1",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "1",
        "Retry-After": "1",
    }
    assert math.isclose(denied.retry_after, 0.7)


def test_hit_or_raise(store, clock, prefix) -> None:
    limiter = SlidingLog(1, 10.0, storage=store, clock=clock, prefix=prefix)
    assert limiter.hit_or_raise("ana").allowed
    with pytest.raises(RateLimitExceeded, match="limit of 1 exceeded") as caught:
        limiter.hit_or_raise("ana")
    assert caught.value.retry_after == 10.0 and caught.value.limit == 1
