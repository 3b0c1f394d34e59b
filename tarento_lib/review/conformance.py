"""The ``bug_hunt`` suite: the question's ``UserManager``, fixed, graded on the in-memory database.

A candidate is a class built as ``cls(db)`` or ``cls(db, max_concurrency=N)`` with ``users``
(a list), ``async get_users()``, ``calculate_stats(numbers)``, ``async process_user(user)`` and
``async process_users()`` returning ``(results, failed)``: the results of the users that
were processed, and ``{user id: error}`` for those that were not. Every case builds its own
:class:`~tarento_lib.review.database.InMemoryUserDB` and runs on virtual time, so the query
latency costs nothing and the number of queries in flight is exact. ``INTERVIEWS`` stages
Q10's mock interview on the same cases.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from tarento_lib.grading import Case, Steps, Suite, approx, between
from tarento_lib.interview.plan import Interview, Stage
from tarento_lib.review.database import InMemoryUserDB, sample_users
from tarento_lib.virtual_time import run_virtual

__all__ = ["INTERVIEWS", "SUITES"]

LATENCY = 0.05  # seconds per query


def _db(users: int) -> InMemoryUserDB:
    return InMemoryUserDB(rows=sample_users(users), latency=LATENCY)


def _virtual(body: Callable[[Any, Steps], Awaitable[None]]) -> Callable[[Any, Steps], None]:
    """Run an async case body on virtual time."""

    def run(cls: Any, steps: Steps) -> None:
        run_virtual(body(cls, steps))

    return run


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Drop log records for a while: a logged failure must not print into the scorecard's cell."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


async def _process(cls: Any, steps: Steps, db: InMemoryUserDB, **kwargs: Any) -> Any:
    shown = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    steps.note(
        f"{len(db.rows)} users: results, failed = await UserManager(db{shown}).process_users()"
    )
    with _quiet_logs():
        results, failed = await cls(db, **kwargs).process_users()
    steps.note(f"-> {len(results)} results, failed users {sorted(failed)}")
    return results, failed


def _own_users(cls: Any, steps: Steps) -> None:
    steps.note("a, b = UserManager(db), UserManager(another_db); a.users.append({'id': 1})")
    a, b = cls(_db(2)), cls(_db(3))
    a.users.append({"id": 1})
    steps.expect(b.users, "b.users")


@_virtual
async def _get_users(cls: Any, steps: Steps) -> None:
    db = _db(3)
    steps.note("users = await UserManager(db).get_users()")
    users = await cls(db).get_users()
    steps.expect(len(users), "how many users came back")
    steps.expect("password" in users[0], "'password' in users[0]")
    steps.expect([row["password"] for row in db.rows], "the database's passwords afterwards")


def _stats(cls: Any, steps: Steps) -> None:
    manager = cls(InMemoryUserDB())
    got = steps.call(manager, "calculate_stats", [2, 4, 9])
    steps.expect(got["total"], "total of [2, 4, 9]", approx())
    steps.expect(got["average"], "average of [2, 4, 9]", approx())


def _stats_of_nothing(cls: Any, steps: Steps) -> None:
    manager = cls(InMemoryUserDB())
    empty = steps.call(manager, "calculate_stats", [])
    some = manager.calculate_stats([1.5])
    steps.expect_true(sorted(empty) == sorted(some), "the same keys for [] as for [1.5]")
    steps.expect(empty["average"], "the average of nothing")


@_virtual
async def _concurrent(cls: Any, steps: Steps) -> None:
    db = _db(12)
    results, _ = await _process(cls, steps, db, max_concurrency=4)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(db.peak_concurrency, "the most queries in flight at once")
    steps.expect(db.elapsed(), "seconds for the batch (a list query, then 12 lookups)", approx())


@_virtual
async def _bounded_by_default(cls: Any, steps: Steps) -> None:
    db = _db(300)
    await _process(cls, steps, db)
    steps.expect(
        db.peak_concurrency,
        "the most queries in flight at once, with the default bound",
        between(2, 50, "more than one, and a bound well below 300 (say 10)"),
    )


@_virtual
async def _failure_reported(cls: Any, steps: Steps) -> None:
    db = _db(5)
    steps.note("db.fail(3, RuntimeError('profile service down'))")
    db.fail(3, RuntimeError("profile service down"))
    results, failed = await _process(cls, steps, db)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(sorted(failed), "the failed user ids")
    steps.expect(str(failed.get(3)), "the error kept for user 3")


@_virtual
async def _cancelled_child(cls: Any, steps: Steps) -> None:
    db = _db(3)
    steps.note("db.fail(2, asyncio.CancelledError())")
    db.fail(2, asyncio.CancelledError())
    results, failed = await _process(cls, steps, db)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(sorted(failed), "the failed user ids")


def _bad_bound(cls: Any, steps: Steps) -> None:
    steps.expect_raises(
        ValueError, lambda: cls(InMemoryUserDB(), max_concurrency=0), "max_concurrency=0"
    )


def _reference() -> type:
    from tarento_lib.review.fixed import UserManager

    return UserManager


OWN_USERS = Case("each manager has its own users list", _own_users)
GET_USERS = Case(
    "get_users drops the password and leaves the database's rows alone",
    _get_users,
    "Build new dicts without 'password'; never assign into the rows you were given.",
)
STATS = Case("calculate_stats adds and averages", _stats)
STATS_EMPTY = Case(
    "calculate_stats([]) gives the same keys, average None",
    _stats_of_nothing,
    "Check for an empty list before dividing; return every key, None where undefined.",
)
CONCURRENT = Case(
    "process_users runs users concurrently, at most max_concurrency at once",
    _concurrent,
    "asyncio.gather over the users, each waiting on one asyncio.Semaphore(n).",
)
BOUNDED = Case(
    "process_users has a bound by default",
    _bounded_by_default,
    "Default max_concurrency to a small number (10): never one query per user at once.",
)
FAILURE = Case(
    "a failing user is reported, the others still processed",
    _failure_reported,
    "gather(..., return_exceptions=True), then split results from errors per user.",
)
CANCELLED = Case(
    "a cancelled lookup is a failure, not a result",
    _cancelled_child,
    "CancelledError is a BaseException, not an Exception: test for BaseException.",
)
BAD_BOUND = Case(
    "max_concurrency below 1 is refused",
    _bad_bound,
    "Validate in __init__: an int >= 1, else ValueError.",
)

SUITES: dict[str, Suite] = {
    "bug_hunt": Suite(
        name="bug_hunt",
        title="UserManager: the question's four bugs, fixed",
        reference=_reference,
        cases=(
            OWN_USERS,
            GET_USERS,
            STATS,
            STATS_EMPTY,
            CONCURRENT,
            BOUNDED,
            FAILURE,
            CANCELLED,
            BAD_BOUND,
        ),
    )
}


# The mock interview: the question's code, its bugs fixed in the order a reader meets them.

_STUB = '''"""Q10 · Debug and fix. Stage 1: fix the bugs, starting with the first two methods."""


class UserManager:
    users = []

    def __init__(self, db):
        self.db = db

    async def get_users(self):
        users = await self.db.query("SELECT * FROM users")
        for user in users:
            user["password"] = None
        return users

    def calculate_stats(self, numbers):
        total = sum(numbers)
        average = total / len(numbers)
        return {"total": total, "average": average}

    async def process_users(self):
        users = await self.get_users()
        results = []
        for user in users:
            result = await self.process_user(user)
            results.append(result)
        return results

    async def process_user(self, user):
        await self.db.query("SELECT * FROM users WHERE id = $1", user["id"])
        return {"user_id": user["id"], "processed": True}
'''

INTERVIEWS = {
    "q10": Interview(
        number="q10",
        brief=(
            "Here is a class from our code base; your file holds it. Find the bugs, fix "
            "them, and say how you would prove each fix."
        ),
        clarifications=(
            "db.query hands out its own row objects, as a driver's cache does: a change to "
            "them is seen by every later reader.",
            "process_user looks one user up by id; it may stay as it is.",
            "Thousands of users; the connection pool allows about ten queries at once.",
            "The grader's database takes 50 ms a query on a virtual clock, so it can count "
            "the queries in flight and time a batch exactly.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "shared state and leaked rows",
                "Read the class from the top. Fix what is wrong in its state and in "
                "get_users: each UserManager(db) has its own users list, and get_users() "
                "returns new dicts without the 'password' key, leaving the rows the "
                "database handed out exactly as they were.",
                (OWN_USERS, GET_USERS),
                (
                    "A list in the class body is made once and shared by every instance.",
                    "user['password'] = None writes into the database's own row: every later "
                    "reader sees it, and the key is still there.",
                    "Create self.users in __init__; build one new dict per row with a dict "
                    "comprehension that leaves 'password' out.",
                ),
                7,
                "The question's code and the answer, side by side",
            ),
            Stage(
                "the statistics of nothing",
                "What does calculate_stats([]) do? Make it return the same keys for every "
                "input, with average None when there is nothing to average.",
                (STATS, STATS_EMPTY),
                (
                    "len([]) is 0, and the division raises ZeroDivisionError.",
                    "Test 'if not numbers' before dividing, and return the same dict keys "
                    "either way: 'average': None.",
                ),
                4,
                "Different keys for an empty list",
            ),
            Stage(
                "concurrent, but bounded",
                "process_users awaits one user after another: a thousand users take a "
                "thousand query times. Run them concurrently, but never more than "
                "max_concurrency queries at once: UserManager(db, max_concurrency=10), a "
                "keyword argument defaulting to 10, ValueError below 1. process_users() now "
                "returns (results, failed): the results, and a dict {user id: error} that "
                "stays empty while nothing fails.",
                (CONCURRENT, BOUNDED, BAD_BOUND),
                (
                    "asyncio.gather runs the coroutines concurrently, but on its own it starts "
                    "them all at once: one query per user.",
                    "One asyncio.Semaphore(max_concurrency) for the batch; each user's "
                    "coroutine does 'async with' it around its lookup.",
                    "Check max_concurrency in __init__: an int >= 1, else ValueError.",
                ),
                9,
                "Speed, and what it costs",
            ),
            Stage(
                "one failure is not the batch's",
                "One user's lookup raises, and today the whole batch fails with it. Process "
                "the others anyway and report it: failed maps that user's id to the error. "
                "A lookup cancelled from below (asyncio.CancelledError) is a failure too, "
                "never a result.",
                (FAILURE, CANCELLED),
                (
                    "gather(..., return_exceptions=True) hands back each error in place of its "
                    "result instead of raising the first.",
                    "zip the users with the outcomes: an outcome that is an exception goes to "
                    "failed[user['id']], the rest to results.",
                    "CancelledError is a BaseException, not an Exception: test "
                    "isinstance(outcome, BaseException).",
                ),
                6,
                "A cancelled lookup counted as a result",
            ),
        ),
        no_probe=(
            "each user is one query, whose cost is the database's (the stand-in scans its "
            "rows), not the candidate's; what the candidate controls, the batch's time and "
            "the queries in flight, the cases measure exactly on virtual time"
        ),
    )
}
