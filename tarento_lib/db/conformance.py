"""The "retry" exercise: grade the question itself, a ``Database`` with an async ``session()``.

A candidate is a class built as ``cls(primary, replica, sleep=..., now=..., rng=...)``: two
engines (anything with ``async connect()``), an async ``sleep(seconds)``, a ``now()`` in seconds
and a ``random.Random`` for the jitter. ``async with db.session(readonly=...) as session`` must

* hand out an ``AsyncSession`` on a connection from the primary (reads may fail over to the
  replica; writes never go there), and give the connection back when the block ends;
* retry only connection problems (``ConnectionError``, ``TimeoutError``): anything else at once;
* wait ``rng.random() * min(8, 2 ** (attempt - 1))`` seconds between attempts (exponential
  backoff from 1 s, capped at 8 s, full jitter), give up after 6 attempts or 30 s, and then
  raise the last connection error;
* run the block inside ``async with`` once: only getting a connection is retried.

Every case builds its own :class:`FakeEngine` pair (SQLite in memory behind a script of
failures) and a :class:`~tarento_lib.clock.FakeClock`, so a 30-second outage costs nothing.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from tarento_lib.clock import FakeClock
from tarento_lib.grading import Case, Steps, Suite, between, rule
from tarento_lib.retry import (
    RetryError,
    RetryPolicy,
    aretry_call,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_full_jitter,
)

__all__ = [
    "CAP",
    "DEADLINE",
    "MAX_ATTEMPTS",
    "SUITES",
    "FakeEngine",
    "ReferenceDatabase",
    "reference_policy",
]

MAX_ATTEMPTS, DEADLINE, CAP = 6, 30.0, 8.0

reference_policy = RetryPolicy(
    stop=stop_after_attempt(MAX_ATTEMPTS) | stop_after_delay(DEADLINE),
    wait=wait_full_jitter(initial=1.0, maximum=CAP),
    retry=retry_if_exception_type(ConnectionError, TimeoutError),
)

Outcome = type[BaseException] | None


class FakeEngine:
    """An engine whose ``connect()`` follows a script of failures, then opens SQLite connections.

    ``script`` lists what each call does, in order (an exception class to raise, or ``None`` to
    connect); after the script, every call connects, or raises ``ConnectionRefusedError`` when
    ``down``. Each call takes ``connect_time`` seconds on the clock.
    """

    def __init__(
        self,
        name: str,
        clock: FakeClock,
        *,
        script: Sequence[Outcome] = (),
        down: bool = False,
        connect_time: float = 0.0,
    ) -> None:
        self.name, self.clock, self.down, self.connect_time = name, clock, down, connect_time
        self.script = list(script)
        self.connects = 0
        self.checked_out = 0
        self._engine = create_async_engine("sqlite+aiosqlite://", poolclass=AsyncAdaptedQueuePool)
        event.listen(self._engine.sync_engine, "checkout", self._on_checkout)
        event.listen(self._engine.sync_engine, "checkin", self._on_checkin)

    def _on_checkout(self, *_: object) -> None:
        self.checked_out += 1

    def _on_checkin(self, *_: object) -> None:
        self.checked_out -= 1

    async def connect(self) -> AsyncConnection:
        self.connects += 1
        self.clock.advance(self.connect_time)
        outcome = self.script.pop(0) if self.script else None
        if outcome is None and self.down:
            outcome = ConnectionRefusedError
        if outcome is not None:
            raise outcome(f"{self.name}: {outcome.__name__}")
        return await self._engine.connect()

    async def dispose(self) -> None:
        await self._engine.dispose()

    def __repr__(self) -> str:
        return f"FakeEngine({self.name!r})"


class ReferenceDatabase:
    """The grader's reference: the same contract, on the shared retry core."""

    def __init__(
        self,
        primary: Any,
        replica: Any = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.primary, self.replica = primary, replica
        self._sleep, self._now, self._rng = sleep, now, rng or random.Random()

    @asynccontextmanager
    async def session(self, *, readonly: bool = False) -> AsyncIterator[AsyncSession]:
        engines = [self.primary] + ([self.replica] if readonly and self.replica else [])
        connection = await self._connect(engines)
        try:
            async with AsyncSession(bind=connection) as session:
                yield session
        finally:
            await connection.close()

    async def _connect(self, engines: list[Any]) -> AsyncConnection:
        async def once() -> AsyncConnection:
            for engine in engines[:-1]:
                try:
                    return await engine.connect()
                except (ConnectionError, TimeoutError):
                    continue
            return await engines[-1].connect()

        clock = _CallbackClock(self._now or asyncio.get_running_loop().time, self._sleep)
        try:
            return await aretry_call(once, reference_policy, clock=clock, rng=self._rng)
        except RetryError as error:
            raise error.last_error from None


class _CallbackClock:
    """A clock made of a ``now`` and an async ``sleep`` (what the candidate's class is given)."""

    def __init__(self, now: Callable[[], float], sleep: Callable[[float], Awaitable[None]]):
        self.now, self._asleep = now, sleep

    def sleep(self, seconds: float) -> None:
        raise RuntimeError("the async loop only sleeps with asleep")

    async def asleep(self, seconds: float) -> None:
        await self._asleep(seconds)


class _Half(random.Random):
    """A generator whose every draw is 0.5: the waits are half their ceilings, exactly."""

    def random(self) -> float:
        return 0.5


def _database(
    cls: Any,
    clock: FakeClock,
    primary: FakeEngine,
    replica: FakeEngine | None = None,
    rng: random.Random | None = None,
) -> Any:
    """Build the candidate before any step is noted: a stub then fails every case the same way."""
    return cls(primary, replica, sleep=clock.asleep, now=clock.now, rng=rng or _Half())


async def _run(
    db: Any,
    steps: Steps,
    primary: FakeEngine,
    replica: FakeEngine | None,
    *,
    readonly: bool = False,
    body: Callable[[AsyncSession], Awaitable[Any]] | None = None,
) -> Any:
    """``async with db.session(...)``: the block's result, or the exception it ended with."""
    shown = f"readonly={readonly}" if readonly else ""
    steps.note(f"async with Database({primary.name}, {replica and replica.name}).session({shown})")
    try:
        async with db.session(readonly=readonly) as session:
            return await (body or _select_one)(session)
    except Exception as error:
        steps.note(f"-> raised {type(error).__name__}: {error}")
        return error
    finally:
        for engine in (primary, replica):
            if engine is not None:
                await engine.dispose()


async def _select_one(session: AsyncSession) -> Any:
    return await session.scalar(text("SELECT 1"))


def _outcome(steps: Steps, result: Any, errors: tuple[type[BaseException], ...], what: str) -> None:
    def replay() -> Any:
        if isinstance(result, BaseException):
            raise result
        return result

    steps.expect_raises(errors, replay, what)


def _async(body: Callable[[Any, Steps], Awaitable[None]]) -> Callable[[Any, Steps], None]:
    def run(cls: Any, steps: Steps) -> None:
        asyncio.run(body(cls, steps))

    return run


@_async
async def _healthy(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary, replica = FakeEngine("primary", clock), FakeEngine("replica", clock)
    db = _database(cls, clock, primary, replica)
    got = await _run(db, steps, primary, replica)
    steps.expect(got, "SELECT 1 in the session")
    steps.expect(primary.connects, "connections asked of the primary")
    steps.expect(clock.sleeps, "the waits")
    steps.expect(primary.checked_out, "connections still checked out after the block")


@_async
async def _retries_refused(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[ConnectionRefusedError, ConnectionResetError])
    db = _database(cls, clock, primary)
    steps.note("the primary refuses, then resets, then connects")
    got = await _run(db, steps, primary, None)
    steps.expect(got, "SELECT 1 in the session")
    steps.expect(primary.connects, "connections asked of the primary")
    steps.expect(len(clock.sleeps), "how many times it waited")


@_async
async def _retries_timeout(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[TimeoutError])
    db = _database(cls, clock, primary)
    steps.note("the primary times out once, then connects")
    got = await _run(db, steps, primary, None)
    steps.expect(got, "SELECT 1 in the session")
    steps.expect(primary.connects, "connections asked of the primary")


@_async
async def _no_bug_retried(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[ValueError])
    db = _database(cls, clock, primary)
    steps.note("connect() raises ValueError: a bug, not an outage")
    got = await _run(db, steps, primary, None)
    _outcome(steps, got, (ValueError,), "the session")
    steps.expect(primary.connects, "connections asked of the primary")
    steps.expect(clock.sleeps, "the waits")


@_async
async def _gives_up(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True)
    db = _database(cls, clock, primary)
    steps.note("the primary stays down")
    got = await _run(db, steps, primary, None)
    _outcome(steps, got, (ConnectionError,), "the session (the last connection error)")
    steps.expect(primary.connects, "connections asked of the primary")


@rule("each wait is half its ceiling at jitter 0.5: 0.5, 1, 2, 4, then 4 (the 8 s cap)")
def _half_ceilings(waits: Any) -> bool:
    expected = [0.5, 1.0, 2.0, 4.0, 4.0]
    return (
        isinstance(waits, list)
        and len(waits) == len(expected)
        and all(abs(w - e) < 1e-9 for w, e in zip(waits, expected, strict=True))
    )


@_async
async def _backoff(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True)
    db = _database(cls, clock, primary)
    steps.note("the primary stays down; every rng.random() draw is 0.5")
    await _run(db, steps, primary, None)
    steps.expect(clock.sleeps, "the waits", _half_ceilings)


@rule("two clients seeded differently must not wait in lockstep, and every wait within its cap")
def _spread(pair: Any) -> bool:
    first, second = pair
    ceilings = [1.0, 2.0, 4.0, 8.0, 8.0]
    within = all(
        len(waits) == len(ceilings)
        and all(0 <= w <= c for w, c in zip(waits, ceilings, strict=True))
        for waits in (first, second)
    )
    return within and first != second


@_async
async def _jitter(cls: Any, steps: Steps) -> None:
    waits = []
    for seed in (1, 2):
        clock = FakeClock()
        primary = FakeEngine("primary", clock, down=True)
        db = _database(cls, clock, primary, rng=random.Random(seed))
        steps.note(f"rng=random.Random({seed})")
        await _run(db, steps, primary, None)
        waits.append(clock.sleeps)
    steps.expect(waits, "the waits of two clients", _spread)


@_async
async def _deadline(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True, connect_time=10.0)
    db = _database(cls, clock, primary)
    steps.note("the primary stays down and each attempt takes 10 s to fail")
    got = await _run(db, steps, primary, None)
    _outcome(steps, got, (ConnectionError,), "the session")
    steps.expect(
        primary.connects,
        "connections asked of the primary",
        between(3, 4, "3 or 4: the 30 s deadline stops it before 6 attempts"),
    )


@_async
async def _read_failover(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True)
    replica = FakeEngine("replica", clock)
    db = _database(cls, clock, primary, replica)
    steps.note("the primary is down, the replica is up")
    got = await _run(db, steps, primary, replica, readonly=True)
    steps.expect(got, "SELECT 1 in a read session")
    steps.expect(replica.connects, "connections asked of the replica")
    steps.expect(clock.sleeps, "the waits (fail over at once, no backoff first)")
    steps.expect(replica.checked_out, "replica connections still checked out after the block")


@_async
async def _writes_primary_only(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True)
    replica = FakeEngine("replica", clock)
    db = _database(cls, clock, primary, replica)
    steps.note("the primary is down, the replica is up; a write session")
    got = await _run(db, steps, primary, replica)
    _outcome(steps, got, (ConnectionError,), "the write session")
    steps.expect(replica.connects, "connections asked of the replica")


@_async
async def _block_once(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock)
    db = _database(cls, clock, primary)
    runs = []

    async def body(session: AsyncSession) -> Any:
        runs.append(await _select_one(session))
        raise ConnectionResetError("the server went away mid-transaction")

    steps.note("the block inside async with raises ConnectionResetError")
    got = await _run(db, steps, primary, None, body=body)
    _outcome(steps, got, (ConnectionResetError,), "the session (the block's own error)")
    steps.expect(len(runs), "how many times the block ran")
    steps.expect(primary.connects, "connections asked of the primary")
    steps.expect(primary.checked_out, "connections still checked out after the error")


CASES = (
    Case(
        "a healthy primary: one connection, no wait",
        _healthy,
        "Connect to the primary, yield an AsyncSession(bind=connection), close it in finally.",
    ),
    Case(
        "retries a refused connection",
        _retries_refused,
        "Catch ConnectionError around connect(), sleep, and try again.",
    ),
    Case("a timeout is worth a retry", _retries_timeout, "TimeoutError is transient too."),
    Case(
        "does not retry a bug",
        _no_bug_retried,
        "Retry only ConnectionError and TimeoutError; let anything else out at once.",
    ),
    Case(
        "gives up after 6 attempts",
        _gives_up,
        "Count attempts; after the 6th failure raise the last error (not a wrapper).",
    ),
    Case(
        "backs off exponentially, capped at 8 s",
        _backoff,
        "Wait rng.random() * min(8, 2 ** (attempt - 1)) with the injected sleep.",
    ),
    Case(
        "full jitter: clients do not retry in lockstep",
        _jitter,
        "Draw the jitter from the injected rng, once per wait.",
    ),
    Case(
        "gives up after 30 seconds",
        _deadline,
        "Measure elapsed time with the injected now(); stop once 30 s have passed.",
    ),
    Case(
        "reads fail over to the replica",
        _read_failover,
        "For readonly=True, try the replica in the same attempt when the primary fails.",
    ),
    Case(
        "writes never go to the replica",
        _writes_primary_only,
        "Only readonly sessions may use the replica.",
    ),
    Case(
        "the block runs once and the connection goes back",
        _block_once,
        "Retry getting the connection only; yield once, outside the retry loop.",
    ),
)

SUITES = {
    "retry": Suite(
        "retry",
        "session(): pooled connection with bounded retry, jittered backoff and replica failover",
        CASES,
        kind="class",
        reference=lambda: ReferenceDatabase,
    )
}
