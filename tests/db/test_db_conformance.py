"""The "retry" exercise suite: the reference passes, each broken ``Database`` fails its cases."""

from __future__ import annotations

import asyncio
import math
from contextlib import asynccontextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib.answers.q07_session_retry import Database, RetryState, retry_delay
from tarento_lib.clock import FakeClock
from tarento_lib.db.conformance import SUITES, FakeEngine, ReferenceDatabase, reference_policy
from tarento_lib.grading import get_suite, run_suite
from tarento_lib.retry import RetryState as CoreState

ALL = {case.name for case in SUITES["retry"].cases}


def failed(candidate: type) -> set[str]:
    return {result.name for result in run_suite(candidate, "retry").failed}


def no_jitter(state: RetryState) -> float | None:
    delay = retry_delay(state)
    return None if delay is None else min(8.0, 2.0 ** (state.attempt - 1))


def retry_everything(state: RetryState) -> float | None:
    return retry_delay(RetryState(state.attempt, state.elapsed, ConnectionError(), state.jitter))


def no_deadline(state: RetryState) -> float | None:
    return retry_delay(RetryState(state.attempt, 0.0, state.error, state.jitter))


class NoJitter(Database):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, policy=no_jitter, **kwargs)


class RetriesBugs(Database):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, policy=retry_everything, **kwargs)


class NoDeadline(Database):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, policy=no_deadline, **kwargs)


class ReadsPrimaryOnly(Database):
    def __init__(self, primary: Any, replica: Any = None, **kwargs: Any) -> None:
        super().__init__(primary, None, **kwargs)


class ReplicaForWrites(Database):
    @asynccontextmanager
    async def session(self, *, readonly: bool = False):
        async with super().session(readonly=True) as session:
            yield session


class RetriesTheBlock(Database):
    """The typical trap: the retry loop wraps the ``yield``, so a failing block is re-entered."""

    @asynccontextmanager
    async def session(self, *, readonly: bool = False):
        for attempt in range(6):
            try:
                connection = await self.primary.connect()
                async with AsyncSession(bind=connection) as session:
                    yield session
                await connection.close()
                return
            except ConnectionError:
                await self._sleep(min(8, 2**attempt) * self._rng.random())


class Stub:
    def __init__(self, primary: Any, replica: Any = None, **kwargs: Any) -> None:
        raise NotImplementedError("your turn")


def test_the_suite_is_registered_and_the_reference_and_the_answer_pass() -> None:
    assert get_suite("retry") is SUITES["retry"] and len(ALL) == 11
    assert run_suite(ReferenceDatabase, "retry").ok
    assert not failed(Database)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (
            NoJitter,
            {
                "backs off exponentially, capped at 8 s",
                "full jitter: clients do not retry in lockstep",
            },
        ),
        (RetriesBugs, {"does not retry a bug"}),
        (NoDeadline, {"gives up after 30 seconds"}),
        (ReadsPrimaryOnly, {"reads fail over to the replica"}),
        (ReplicaForWrites, {"writes never go to the replica"}),
        (Stub, ALL),
    ],
    ids=["no_jitter", "retries_bugs", "no_deadline", "no_failover", "replica_writes", "stub"],
)
def test_a_broken_database_fails_exactly_the_cases_about_its_bug(
    candidate: type, expected: set[str]
) -> None:
    assert failed(candidate) == expected


def test_retrying_around_the_yield_is_caught() -> None:
    assert "the block runs once and the connection goes back" in failed(RetriesTheBlock)


def test_a_function_instead_of_a_class_is_refused() -> None:
    with pytest.raises(TypeError, match="grades a class"):
        run_suite(retry_delay, "retry")


def test_the_fake_engine_follows_its_script_and_counts_checkouts() -> None:
    async def scenario() -> tuple[list[str], int, int]:
        clock = FakeClock()
        engine = FakeEngine("p", clock, script=[ConnectionRefusedError, None], connect_time=2.0)
        seen = []
        with pytest.raises(ConnectionRefusedError):
            await engine.connect()
        connection = await engine.connect()
        seen.append(str(await connection.scalar(text("SELECT 1"))))
        during = engine.checked_out
        await connection.close()
        await engine.dispose()
        return seen, during, engine.checked_out + int(clock.now())

    assert asyncio.run(scenario()) == (["1"], 1, 4)


SOLUTION = """
import asyncio, random, time
from contextlib import asynccontextmanager
from sqlalchemy.ext.asyncio import AsyncSession


class Database:
    def __init__(self, primary, replica=None, *, sleep=asyncio.sleep, now=time.monotonic, rng=None):
        self.primary, self.replica = primary, replica
        self.sleep, self.now, self.rng = sleep, now, rng or random.Random()

    @asynccontextmanager
    async def session(self, *, readonly=False):
        engines = [self.primary] + ([self.replica] if readonly and self.replica else [])
        start, attempt = self.now(), 1
        while True:
            try:
                connection = await self.connect(engines)
                break
            except (ConnectionError, TimeoutError):
                if attempt >= 6 or self.now() - start >= 30:
                    raise
            await self.sleep(self.rng.random() * min(8, 2 ** (attempt - 1)))
            attempt += 1
        try:
            async with AsyncSession(bind=connection) as session:
                yield session
        finally:
            await connection.close()

    async def connect(self, engines):
        for engine in engines[:-1]:
            try:
                return await engine.connect()
            except (ConnectionError, TimeoutError):
                pass
        return await engines[-1].connect()
"""


def test_the_command_line_grades_a_solution_file(tmp_path, capsys) -> None:
    from tarento_lib.cli import main

    solution = tmp_path / "solution.py"
    solution.write_text(SOLUTION, encoding="utf-8")
    assert main(["check", "q07", str(solution)]) == 0
    assert "retry: 11/11 cases pass" in capsys.readouterr().out


@settings(max_examples=200, deadline=None)
@given(
    attempt=st.integers(min_value=1, max_value=50),
    elapsed=st.floats(min_value=0, max_value=60),
    jitter=st.floats(min_value=0, max_value=1, exclude_max=True),
    error=st.sampled_from([ConnectionRefusedError(), TimeoutError(), ValueError(), KeyError()]),
)
def test_the_answers_policy_agrees_with_the_shared_retry_core(
    attempt: int, elapsed: float, jitter: float, error: Exception
) -> None:
    ours = retry_delay(RetryState(attempt, elapsed, error, jitter))
    core = reference_policy(CoreState(attempt=attempt, elapsed=elapsed, error=error, jitter=jitter))
    assert (ours is None and core is None) or (
        ours is not None and core is not None and math.isclose(ours, core, abs_tol=1e-12)
    )
