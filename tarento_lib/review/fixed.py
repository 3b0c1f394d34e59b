"""Q10's ``UserManager`` fixed, and the suggested fix reviewed and fixed again.

* state lives on the instance;
* callers get sanitised *copies*; the database's rows are never touched;
* statistics have the same keys for every input (``None`` where undefined);
* users are processed concurrently with a bound, failures are reported per user (and logged),
  and a cancelled child is a failure, never a "result";
* :class:`PagedUserManager` keeps ``get_users``' contract and adds ``get_page`` for paging:
  validated ``int`` arguments sent as bound parameters, a JSON encoding that knows ``datetime``,
  and a cache key that covers every filter.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date, datetime
from typing import Any, NamedTuple

from tarento_lib._validate import require_int, require_str

__all__ = [
    "MAX_PAGE_SIZE",
    "PagedUserManager",
    "ProcessReport",
    "UserManager",
    "page_cache_key",
    "public_view",
]

logger = logging.getLogger(__name__)

SENSITIVE_FIELDS = frozenset({"password", "password_hash"})
MAX_PAGE_SIZE = 500


def public_view(row: dict[str, Any]) -> dict[str, Any]:
    """A new dict without the sensitive fields; ``row`` itself is left as it was."""
    return {key: value for key, value in row.items() if key not in SENSITIVE_FIELDS}


class ProcessReport(NamedTuple):
    """What a batch did: one result per processed user, and the error of each user that failed.

    A named tuple, so ``results, failed = await manager.process_users()`` works too.
    """

    processed: list[dict[str, Any]]
    failed: dict[int, BaseException]


class UserManager:
    """Reads users through ``db.query`` and processes them, ``max_concurrency`` at a time."""

    def __init__(self, db: Any, *, max_concurrency: int = 10) -> None:
        self.db = db
        self.max_concurrency = require_int(max_concurrency, "max_concurrency", minimum=1)
        self.users: list[dict[str, Any]] = []  # this instance's own list

    async def load_users(self) -> list[dict[str, Any]]:
        self.users.extend(await self.get_users())
        return self.users

    async def get_users(self) -> list[dict[str, Any]]:
        rows = await self.db.query("SELECT * FROM users")
        return [public_view(row) for row in rows]

    @staticmethod
    def calculate_stats(numbers: list[float]) -> dict[str, float | int | None]:
        if not numbers:
            return {"count": 0, "total": 0, "average": None, "min": None, "max": None}
        total = sum(numbers)
        return {
            "count": len(numbers),
            "total": total,
            "average": total / len(numbers),
            "min": min(numbers),
            "max": max(numbers),
        }

    async def process_users(self) -> ProcessReport:
        users = await self.get_users()
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(user: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self.process_user(user)

        outcomes = await asyncio.gather(*(one(u) for u in users), return_exceptions=True)
        return self._report(users, outcomes)

    @staticmethod
    def _report(users: list[dict[str, Any]], outcomes: list[Any]) -> ProcessReport:
        report = ProcessReport(processed=[], failed={})
        for user, outcome in zip(users, outcomes, strict=True):
            if isinstance(outcome, (KeyboardInterrupt, SystemExit)):
                raise outcome
            if isinstance(outcome, BaseException):  # an Exception, or a child's CancelledError
                report.failed[user["id"]] = outcome
                logger.warning(
                    "processing user %s failed: %r", user["id"], outcome, exc_info=outcome
                )
            else:
                report.processed.append(outcome)
        return report

    async def process_user(self, user: dict[str, Any]) -> dict[str, Any]:
        await self.db.query("SELECT * FROM users WHERE id = $1", user["id"])
        return {"user_id": user["id"], "processed": True}


def _to_json(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def page_cache_key(**filters: Any) -> str:
    """A cache key covering every filter: same filters, same key; any difference, another key."""
    return "users:" + json.dumps(filters, sort_keys=True, default=_to_json)


class PagedUserManager(UserManager):
    """Adds a cached, filtered page of users; ``get_users`` keeps the parent's contract."""

    def __init__(self, db: Any, cache: Any, *, max_concurrency: int = 10) -> None:
        super().__init__(db, max_concurrency=max_concurrency)
        self.cache = cache

    async def get_page(
        self,
        *,
        page: int = 1,
        page_size: int = 100,
        include_inactive: bool = False,
        name_prefix: str | None = None,
    ) -> dict[str, Any]:
        require_int(page, "page", minimum=1)
        require_int(page_size, "page_size", minimum=1, maximum=MAX_PAGE_SIZE)
        if name_prefix is not None:
            require_str(name_prefix, "name_prefix")
        key = page_cache_key(
            page=page,
            page_size=page_size,
            include_inactive=bool(include_inactive),
            name_prefix=name_prefix,
        )
        cached = await self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        result = await self._query_page(page, page_size, bool(include_inactive), name_prefix)
        encoded = json.dumps(result, default=_to_json)
        await self.cache.set(key, encoded, expire=300)
        return json.loads(encoded)  # the same shape on a miss as on a hit

    async def _query_page(
        self, page: int, page_size: int, include_inactive: bool, name_prefix: str | None
    ) -> dict[str, Any]:
        where, params = ["1=1"], []
        if not include_inactive:
            where.append("is_active = true")
        if name_prefix:
            params.append(name_prefix + "%")
            where.append(f"username LIKE ${len(params)}")
        condition = " AND ".join(where)
        rows = await self.db.query(
            f"SELECT id, username, email, is_active, created_at FROM users WHERE {condition} "
            f"ORDER BY id LIMIT ${len(params) + 1} OFFSET ${len(params) + 2}",
            *params,
            page_size,
            (page - 1) * page_size,
        )
        total = (
            await self.db.query(f"SELECT COUNT(*) AS total FROM users WHERE {condition}", *params)
        )[0]["total"]
        return {
            "users": rows,
            "total": total,
            "page": page,
            "page_size": page_size,
            "total_pages": -(-total // page_size),
        }
