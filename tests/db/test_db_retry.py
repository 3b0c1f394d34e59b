"""What the database adds to the retry core: which errors are transient, and the default policy."""

from __future__ import annotations

import pytest
import sqlalchemy.exc

from tarento_lib.clock import FakeClock
from tarento_lib.db import default_retry_policy, is_transient
from tarento_lib.retry import RetryError, RetryState, retry_call


def test_transient_errors_are_connection_problems_only() -> None:
    operational = sqlalchemy.exc.OperationalError("SELECT 1", {}, OSError("connection reset"))
    pool_timeout = sqlalchemy.exc.TimeoutError("QueuePool limit reached")
    integrity = sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))
    assert all(map(is_transient, [ConnectionRefusedError(), TimeoutError(), operational]))
    assert not any(map(is_transient, [pool_timeout, integrity, ValueError()]))


class DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "transient"),
    [("57P03", True), ("08006", True), ("53300", True), ("23505", False), ("42601", False)],
)
def test_server_states_that_mean_not_now_are_transient(sqlstate: str, transient: bool) -> None:
    wrapped = sqlalchemy.exc.DBAPIError(
        "SELECT 1", {}, DriverError(sqlstate)
    )  # as SQLAlchemy wraps
    assert is_transient(wrapped) is transient


def test_the_default_policy_retries_outages_with_full_jitter_up_to_5_seconds() -> None:
    policy, refused = default_retry_policy(), ConnectionRefusedError("refused")
    assert policy(RetryState(1, error=refused, jitter=0.5)) == 0.25
    assert policy(RetryState(2, error=refused, jitter=0.999)) <= 1
    assert policy(RetryState(3, error=refused)) is None  # three attempts made
    assert policy(RetryState(1, elapsed=10, error=refused)) is None  # out of time
    assert policy.wait.maximum == 5


def test_the_default_policy_lets_a_bug_through_unchanged_without_sleeping() -> None:
    clock, bug, calls = FakeClock(), KeyError("id"), []

    def lookup() -> None:
        calls.append(clock.now())
        raise bug

    with pytest.raises(KeyError) as caught:
        retry_call(lookup, default_retry_policy(), clock=clock)
    assert caught.value is bug and calls == [0] and clock.sleeps == []


def test_the_default_policy_gives_up_on_a_lasting_outage_with_a_retry_error() -> None:
    waits: list[float] = []

    def connect() -> None:
        raise ConnectionRefusedError("down")

    with pytest.raises(RetryError, match="connect failed after 3 attempts") as caught:
        retry_call(connect, default_retry_policy(), sleep=waits.append, what="connect")
    assert caught.value.attempts == 3 and len(waits) == 2
    assert isinstance(caught.value.__cause__, ConnectionRefusedError)
