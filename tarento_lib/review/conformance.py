"""The ``bug_hunt`` suite: the question's ``UserManager``, fixed, graded on the in-memory database.

A candidate is a class built as ``cls(db)`` or ``cls(db, max_concurrency=N)`` with ``users``
(a list), ``async get_users()``, ``calculate_stats(numbers)``, ``async process_user(user)`` and
``async process_users()`` returning ``(results, failed)``: the results of the users that
were processed, and ``{user id: error}`` for those that were not. Every case builds its own
:class:`~tarento_lib.review.database.InMemoryUserDB` and runs on virtual time, so the query
latency costs nothing and the number of queries in flight is exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from tarento_lib.grading import Case, Steps, Suite, approx, between
from tarento_lib.review.database import InMemoryUserDB, sample_users
from tarento_lib.virtual_time import run_virtual

__all__ = ["SUITES"]

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


SUITES: dict[str, Suite] = {
    "bug_hunt": Suite(
        name="bug_hunt",
        title="UserManager: the question's four bugs, fixed",
        reference=_reference,
        cases=(
            Case("each manager has its own users list", _own_users),
            Case(
                "get_users drops the password and leaves the database's rows alone",
                _get_users,
                "Build new dicts without 'password'; never assign into the rows you were given.",
            ),
            Case("calculate_stats adds and averages", _stats),
            Case(
                "calculate_stats([]) gives the same keys, average None",
                _stats_of_nothing,
                "Check for an empty list before dividing; return every key, None where undefined.",
            ),
            Case(
                "process_users runs users concurrently, at most max_concurrency at once",
                _concurrent,
                "asyncio.gather over the users, each waiting on one asyncio.Semaphore(n).",
            ),
            Case(
                "process_users has a bound by default",
                _bounded_by_default,
                "Default max_concurrency to a small number (10): never one query per user at once.",
            ),
            Case(
                "a failing user is reported, the others still processed",
                _failure_reported,
                "gather(..., return_exceptions=True), then split results from errors per user.",
            ),
            Case(
                "a cancelled lookup is a failure, not a result",
                _cancelled_child,
                "CancelledError is a BaseException, not an Exception: test for BaseException.",
            ),
            Case(
                "max_concurrency below 1 is refused",
                _bad_bound,
                "Validate in __init__: an int >= 1, else ValueError.",
            ),
        ),
    )
}
