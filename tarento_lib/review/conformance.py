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


def _db(steps: Steps, users: int) -> InMemoryUserDB:
    steps.note(f"db = InMemoryUserDB(rows=sample_users({users}), latency={LATENCY})")
    return InMemoryUserDB(rows=sample_users(users), latency=LATENCY)


def _virtual(body: Callable[[Any, Steps], Awaitable[None]]) -> Callable[[Any, Steps], None]:
    """Run an async case body on virtual time."""

    def run(cls: Any, steps: Steps) -> None:
        run_virtual(body(cls, steps))

    return run


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Give the root logger a handler for a while, so a logged failure is not printed to stderr."""
    handler = logging.NullHandler()
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)


async def _process(cls: Any, steps: Steps, db: InMemoryUserDB, **kwargs: Any) -> Any:
    shown = "".join(f", {k}={v!r}" for k, v in kwargs.items())
    steps.note(f"results, failed = await {cls.__name__}(db{shown}).process_users()")
    with _quiet_logs():
        results, failed = await cls(db, **kwargs).process_users()
    steps.note(f"-> {len(results)} results, failed users {sorted(failed)}")
    return results, failed


def _own_users(cls: Any, steps: Steps) -> None:
    first, second = _db(steps, 2), InMemoryUserDB(rows=sample_users(3))
    steps.note(f"a, b = {cls.__name__}(db), {cls.__name__}(another_db)")
    a, b = cls(first), cls(second)
    a.users.append({"id": 1})
    steps.note("a.users.append({'id': 1})")
    steps.expect(b.users, "b.users after a.users.append(...)")


@_virtual
async def _no_password(cls: Any, steps: Steps) -> None:
    db = _db(steps, 3)
    steps.note(f"users = await {cls.__name__}(db).get_users()")
    users = await cls(db).get_users()
    steps.expect(len(users), "how many users came back")
    steps.expect([sorted(user) for user in users], "the fields of each returned user")


@_virtual
async def _rows_untouched(cls: Any, steps: Steps) -> None:
    db = _db(steps, 3)
    steps.note(f"await {cls.__name__}(db).get_users()")
    await cls(db).get_users()
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
    db = _db(steps, 12)
    results, _ = await _process(cls, steps, db, max_concurrency=4)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(db.peak_concurrency, "the most queries in flight at once")
    steps.expect(db.elapsed(), "seconds for the batch (a list query, then 12 lookups)", approx())


@_virtual
async def _bounded_by_default(cls: Any, steps: Steps) -> None:
    db = _db(steps, 300)
    await _process(cls, steps, db)
    steps.expect(
        db.peak_concurrency,
        "the most queries in flight at once, with the default bound",
        between(2, 50, "more than one, and a bound well below 300 (say 10)"),
    )


@_virtual
async def _failure_reported(cls: Any, steps: Steps) -> None:
    db = _db(steps, 5)
    steps.note("db.fail(3, RuntimeError('profile service down'))")
    db.fail(3, RuntimeError("profile service down"))
    results, failed = await _process(cls, steps, db)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(sorted(failed), "the failed user ids")
    steps.expect(str(failed.get(3)), "the error kept for user 3")


@_virtual
async def _cancelled_child(cls: Any, steps: Steps) -> None:
    db = _db(steps, 3)
    steps.note("db.fail(2, asyncio.CancelledError())")
    db.fail(2, asyncio.CancelledError())
    results, failed = await _process(cls, steps, db)
    steps.expect(sorted(r["user_id"] for r in results), "the processed user ids")
    steps.expect(sorted(failed), "the failed user ids")


def _bad_bound(cls: Any, steps: Steps) -> None:
    db = InMemoryUserDB()
    for bad in (0, -2):
        steps.expect_raises(
            ValueError,
            lambda bad=bad: cls(db, max_concurrency=bad),
            f"UserManager(db, max_concurrency={bad})",
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
            Case(
                "each manager has its own users list",
                _own_users,
                "A list in the class body is created once and shared: create it in __init__.",
            ),
            Case(
                "get_users returns users without the password",
                _no_password,
                "Build new dicts that leave out 'password' (and 'password_hash').",
            ),
            Case(
                "get_users leaves the database's rows as they were",
                _rows_untouched,
                "The rows are the database's own objects: copy, never assign into them.",
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
                "gather(..., return_exceptions=True), then split results from errors by user id.",
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
