"""Q10 · Debug and fix: the ``UserManager`` of the question, fixed, as written in the interview.

The bugs, and what this version does instead:

1. ``users = []`` on the class is one list shared by every instance: state lives on the instance.
2. ``get_users`` blanked the password *in the rows it was given* (a cache, the next caller):
   it returns new dicts without the sensitive fields and leaves the rows as they were.
3. ``calculate_stats([])`` divided by zero: every input gives the same keys, ``None`` where a
   statistic is undefined.
4. ``process_users`` awaited one user after another: it runs them concurrently, but at most
   ``max_concurrency`` at a time (one task per user with no bound is 5,000 queries at once),
   and a user that fails is logged and reported, not mistaken for a result.
5. ``process_user`` was called but never defined: here it is, one lookup with a bound parameter.

Time: ``get_users`` and ``calculate_stats`` are O(n); ``process_users`` takes about
``ceil(n / max_concurrency)`` query latencies. Space: O(n) for the copies and the results.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

__all__ = ["UserManager"]

logger = logging.getLogger(__name__)
SENSITIVE = frozenset({"password", "password_hash"})


class Database(Protocol):
    async def query(self, sql: str, *params: Any) -> list[dict[str, Any]]: ...


class UserManager:
    """Users from ``db.query``; ``process_users`` returns ``(results, {user id: error})``."""

    def __init__(self, db: Database, *, max_concurrency: int = 10) -> None:
        if type(max_concurrency) is not int or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be an int >= 1, got {max_concurrency!r}")
        self.db, self.max_concurrency = db, max_concurrency
        self.users: list[dict[str, Any]] = []  # this instance's own list (bug 1)

    async def get_users(self) -> list[dict[str, Any]]:
        rows = await self.db.query("SELECT * FROM users")
        return [{k: v for k, v in row.items() if k not in SENSITIVE} for row in rows]  # bug 2

    def calculate_stats(self, numbers: list[float]) -> dict[str, float | None]:
        count, total = len(numbers), float(sum(numbers))
        return {  # bug 3: the same keys for every input
            "count": count,
            "total": total,
            "average": total / count if count else None,
            "min": min(numbers, default=None),
            "max": max(numbers, default=None),
        }

    async def process_users(self) -> tuple[list[dict[str, Any]], dict[int, BaseException]]:
        users = await self.get_users()
        gate = asyncio.Semaphore(self.max_concurrency)  # bug 4: concurrent, but bounded

        async def one(user: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self.process_user(user)

        outcomes = await asyncio.gather(*map(one, users), return_exceptions=True)
        results, failed = [], {}
        for user, outcome in zip(users, outcomes, strict=True):
            if isinstance(outcome, BaseException):  # CancelledError is not an Exception
                logger.warning("processing user %s failed: %r", user["id"], outcome)
                failed[user["id"]] = outcome
            else:
                results.append(outcome)
        return results, failed

    async def process_user(self, user: dict[str, Any]) -> dict[str, Any]:
        await self.db.query("SELECT * FROM users WHERE id = $1", user["id"])
        return {"user_id": user["id"], "processed": True}
