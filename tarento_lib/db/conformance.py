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
``INTERVIEWS`` asks for the same class one follow-up at a time: bounded retries, then backoff
with jitter and a deadline, then replica failover, then transient errors only.
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
from tarento_lib.interview.plan import Interview, Stage
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
    "INTERVIEWS",
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


HEALTHY = Case(
    "a healthy primary: one connection, no wait",
    _healthy,
    "Connect to the primary, yield an AsyncSession(bind=connection), close it in finally.",
)
RETRIES_REFUSED = Case(
    "retries a refused connection",
    _retries_refused,
    "Catch ConnectionError around connect(), sleep, and try again.",
)
RETRIES_TIMEOUT = Case(
    "a timeout is worth a retry", _retries_timeout, "TimeoutError is transient too."
)
NO_BUG_RETRIED = Case(
    "does not retry a bug",
    _no_bug_retried,
    "Retry only ConnectionError and TimeoutError; let anything else out at once.",
)
GIVES_UP = Case(
    "gives up after 6 attempts",
    _gives_up,
    "Count attempts; after the 6th failure raise the last error (not a wrapper).",
)
BACKOFF = Case(
    "backs off exponentially, capped at 8 s",
    _backoff,
    "Wait rng.random() * min(8, 2 ** (attempt - 1)) with the injected sleep.",
)
JITTER = Case(
    "full jitter: clients do not retry in lockstep",
    _jitter,
    "Draw the jitter from the injected rng, once per wait.",
)
STOPS_AT_DEADLINE = Case(
    "gives up after 30 seconds",
    _deadline,
    "Measure elapsed time with the injected now(); stop once 30 s have passed.",
)
READ_FAILOVER = Case(
    "reads fail over to the replica",
    _read_failover,
    "For readonly=True, try the replica in the same attempt when the primary fails.",
)
WRITES_PRIMARY_ONLY = Case(
    "writes never go to the replica",
    _writes_primary_only,
    "Only readonly sessions may use the replica.",
)
BLOCK_ONCE = Case(
    "the block runs once and the connection goes back",
    _block_once,
    "Retry getting the connection only; yield once, outside the retry loop.",
)

CASES = (
    HEALTHY,
    RETRIES_REFUSED,
    RETRIES_TIMEOUT,
    NO_BUG_RETRIED,
    GIVES_UP,
    BACKOFF,
    JITTER,
    STOPS_AT_DEADLINE,
    READ_FAILOVER,
    WRITES_PRIMARY_ONLY,
    BLOCK_ONCE,
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


# The mock interview: the core question, then the follow-ups in the order they come.


@_async
async def _read_prefers_primary(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary, replica = FakeEngine("primary", clock), FakeEngine("replica", clock)
    db = _database(cls, clock, primary, replica)
    steps.note("both are up; a read session")
    got = await _run(db, steps, primary, replica, readonly=True)
    steps.expect(got, "SELECT 1 in a read session")
    steps.expect((primary.connects, replica.connects), "connections asked of (primary, replica)")


@_async
async def _read_without_replica(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[ConnectionRefusedError])
    db = _database(cls, clock, primary)
    steps.note("no replica configured; the primary refuses once; a read session")
    got = await _run(db, steps, primary, None, readonly=True)
    steps.expect(got, "SELECT 1 in a read session")
    steps.expect(primary.connects, "connections asked of the primary")


@_async
async def _read_both_down(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, down=True)
    replica = FakeEngine("replica", clock, down=True)
    db = _database(cls, clock, primary, replica)
    steps.note("the primary and the replica both stay down; a read session")
    got = await _run(db, steps, primary, replica, readonly=True)
    _outcome(steps, got, (ConnectionError,), "the read session")
    steps.expect((primary.connects, replica.connects), "connections asked of (primary, replica)")
    steps.expect(len(clock.sleeps), "how many times it waited")


@_async
async def _not_every_oserror(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[PermissionError])
    db = _database(cls, clock, primary)
    steps.note("connect() raises PermissionError: an OSError, but no wait will grant access")
    got = await _run(db, steps, primary, None)
    _outcome(steps, got, (PermissionError,), "the session")
    steps.expect(primary.connects, "connections asked of the primary")
    steps.expect(clock.sleeps, "the waits")


@_async
async def _bug_not_failed_over(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    primary = FakeEngine("primary", clock, script=[ValueError])
    replica = FakeEngine("replica", clock)
    db = _database(cls, clock, primary, replica)
    steps.note("a read session; the primary's connect() raises ValueError, the replica is up")
    got = await _run(db, steps, primary, replica, readonly=True)
    _outcome(steps, got, (ValueError,), "the read session")
    steps.expect(replica.connects, "connections asked of the replica")


@_async
async def _last_error(cls: Any, steps: Steps) -> None:
    clock = FakeClock()
    script: list[Outcome] = [ConnectionRefusedError] * (MAX_ATTEMPTS - 1) + [TimeoutError]
    primary = FakeEngine("primary", clock, script=script)
    db = _database(cls, clock, primary)
    steps.note("the primary refuses 5 times, then times out")
    got = await _run(db, steps, primary, None)
    _outcome(steps, got, (TimeoutError,), "the session (the last error, a TimeoutError)")
    steps.expect(primary.connects, "connections asked of the primary")


_STUB = '''"""Q7 · Connection pooling with retry. Stage 1: a session with bounded retries."""

from contextlib import asynccontextmanager


class Database:
    def __init__(self, primary, replica=None, *, sleep, now, rng) -> None:
        raise NotImplementedError

    @asynccontextmanager
    async def session(self, *, readonly=False):
        raise NotImplementedError
        yield  # an async generator: asynccontextmanager needs one yield
'''

INTERVIEWS = {
    "q07": Interview(
        number="q07",
        brief=(
            "Write the database layer of an async service: a Database that hands out "
            "sessions from a connection pool. The database is sometimes briefly unreachable: "
            "retry getting a connection instead of failing the request, but not forever."
        ),
        clarifications=(
            "Database(primary, replica=None, *, sleep, now, rng): two engines, each with an "
            "async connect() that may raise; an async sleep(seconds), a now() in seconds and "
            "a random.Random. Use these, never asyncio.sleep or time directly.",
            "async with db.session(readonly=False) as session: yields an "
            "AsyncSession(bind=connection) and closes the connection when the block ends.",
            "A connection problem is a ConnectionError (refused, reset) or a TimeoutError.",
            "Only getting the connection is retried; the block inside async with runs once.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "a session with bounded retries",
                "Write Database and its session(). When connect() raises ConnectionError or "
                "TimeoutError, wait (await sleep(1) will do for now) and try again, 6 attempts "
                "in all; after the 6th failure raise that error itself, not a wrapper.",
                (HEALTHY, RETRIES_REFUSED, RETRIES_TIMEOUT, GIVES_UP, BLOCK_ONCE),
                (
                    "Split it in two: a loop that returns a connection (or raises), and "
                    "session(), which yields once, after the loop.",
                    "@asynccontextmanager on session: connection = await self._connect(); "
                    "then try: yield AsyncSession(bind=connection) finally: close it.",
                    "In the loop, catch (ConnectionError, TimeoutError); on the 6th attempt "
                    "re-raise with a bare raise, otherwise await self.sleep(...) and loop.",
                ),
                12,
                "The interview answer",
            ),
            Stage(
                "exponential backoff, full jitter, a deadline",
                "A fixed one-second wait hammers a database that is coming back, and a fleet "
                "of servers retries in lockstep. Wait rng.random() * min(8, 2 ** (attempt - 1)) "
                "seconds after attempt number attempt fails, and also give up once 30 s have "
                "passed since the first attempt, by now().",
                (BACKOFF, JITTER, STOPS_AT_DEADLINE),
                (
                    "The ceiling doubles from 1 s and stops at 8 s; the wait is a uniform draw "
                    "under it ('full jitter').",
                    "Call random() on the rng you were given, once per wait: a client seeded "
                    "differently then waits differently.",
                    "Note start = now() before the first attempt; give up when "
                    "attempt >= 6 or now() - start >= 30, before sleeping.",
                ),
                7,
                "The policy it asks after each failure",
            ),
            Stage(
                "reads fail over to a replica",
                "We add a read replica. session(readonly=True) may use it: when the primary "
                "fails, try the replica in the same attempt, before any wait. Reads still go "
                "to the primary while it is up, writes never go to the replica, and the "
                "replica is optional.",
                (
                    READ_FAILOVER,
                    WRITES_PRIMARY_ONLY,
                    Case(
                        "reads use the primary while it is up",
                        _read_prefers_primary,
                        "Try the engines in order: the primary first.",
                    ),
                    Case(
                        "a read without a replica still retries the primary",
                        _read_without_replica,
                        "replica=None: the list of engines is just [primary].",
                    ),
                    Case(
                        "both down: every attempt tries both, then it gives up",
                        _read_both_down,
                        "One attempt walks the whole list; the backoff is between attempts.",
                    ),
                ),
                (
                    "An attempt is now a walk over a list of engines: [primary], plus the "
                    "replica for a read.",
                    "Return the first connection the walk gets; if every engine fails, the "
                    "attempt fails with the last engine's error, and the backoff loop decides.",
                ),
                6,
                "Three SQLite files, one of them down",
            ),
            Stage(
                "retry only what a retry can heal",
                "What if connect() fails because of a bug, or because access is denied? "
                "Waiting will not fix it: raise it at once, on the primary or the replica, and "
                "never hide it by failing over. When you do give up, raise the last error seen.",
                (
                    NO_BUG_RETRIED,
                    Case(
                        "a PermissionError is not retried",
                        _not_every_oserror,
                        "ConnectionError and TimeoutError only, not every OSError.",
                    ),
                    Case(
                        "a bug on the primary is not failed over",
                        _bug_not_failed_over,
                        "The failover walk catches the same transient errors as the retry loop.",
                    ),
                    Case(
                        "gives up with the last error, not the first",
                        _last_error,
                        "Keep the newest error; a bare raise in the except block does it.",
                    ),
                ),
                (
                    "except Exception retries bugs; name the transient errors instead.",
                    "PermissionError is an OSError, like ConnectionError, so except OSError "
                    "is too wide: catch (ConnectionError, TimeoutError).",
                    "Use the same test in the failover walk, so a bug on the primary escapes "
                    "before the replica is tried.",
                ),
                5,
                "A bug retried as if it were an outage",
            ),
        ),
        no_probe=(
            "The time here is spent waiting on connections and backoff: the stages already "
            "count the attempts and the seconds waited, and no size grows."
        ),
    )
}
