"""The retry timeline and the thundering-herd simulation the notebook plots."""

from __future__ import annotations

import pytest

from tarento_lib.db.simulate import (
    HerdResult,
    bucket_counts,
    reconnect_herd,
    retry_timeline,
    timeline_spans,
)
from tarento_lib.retry import (
    RetryPolicy,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_fixed,
    wait_full_jitter,
)

NO_JITTER = RetryPolicy(stop=stop_after_delay(300), wait=wait_exponential(1, maximum=30))
JITTER = RetryPolicy(stop=stop_after_delay(300), wait=wait_full_jitter(1, maximum=30))


def test_no_retry_makes_one_attempt_and_gives_up() -> None:
    attempts = retry_timeline(RetryPolicy(stop=stop_after_attempt(1)), outage=3)
    assert len(attempts) == 1 and not attempts[0].ok


def test_fixed_waits_reach_the_server_once_it_is_back() -> None:
    attempts = retry_timeline(
        RetryPolicy(stop=stop_after_attempt(10), wait=wait_fixed(1)), outage=3, attempt_cost=0.05
    )
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert timeline_spans("fixed", attempts)[:2] == [
        ("fixed", 0.0, 0.05, "failed attempt"),
        ("fixed", 0.05, 1.05, "waiting"),
    ]


def test_without_jitter_every_client_retries_at_the_same_instants() -> None:
    herd = reconnect_herd(NO_JITTER, clients=50, outage=10)
    assert sorted(set(herd.attempts)) == [0, 1, 3, 7, 15]
    assert max(bucket_counts(herd.attempts, width=1, until=20)) == 50
    assert herd.connected == [15] * 50


def test_jitter_spreads_the_herd_and_connects_everyone_sooner_under_a_capacity_limit() -> None:
    slow = reconnect_herd(NO_JITTER, clients=100, outage=10, capacity=20)
    fast = reconnect_herd(JITTER, clients=100, outage=10, capacity=20)
    assert slow.gave_up == fast.gave_up == 0
    assert fast.all_connected_at < slow.all_connected_at

    def after(h: HerdResult) -> int:
        return max(bucket_counts([t for t in h.attempts if t >= 10], width=1, until=200))

    assert after(fast) < after(slow) == 100


def test_the_simulation_is_deterministic_for_a_seed() -> None:
    assert reconnect_herd(JITTER, seed=3).attempts == reconnect_herd(JITTER, seed=3).attempts
    assert reconnect_herd(JITTER, seed=3).attempts != reconnect_herd(JITTER, seed=4).attempts


def test_bucket_counts_and_bad_arguments() -> None:
    assert bucket_counts([0, 0.5, 1.2, 9.9, 12], width=1, until=10) == [
        2,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
    ]
    with pytest.raises(ValueError, match=r"clients must be an int in \[1, 100000\], got 0"):
        reconnect_herd(JITTER, clients=0)
    with pytest.raises(ValueError, match="capacity must be an int >= 1, got 0"):
        reconnect_herd(JITTER, capacity=0)
    with pytest.raises(ValueError, match="width must be a finite number > 0"):
        bucket_counts([], width=0, until=1)
