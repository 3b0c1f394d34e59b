"""The fix most people suggest for Q10, in spirit: it cures the four bugs and adds new ones.

Kept on purpose for the "review the fix" part of the lesson. What is still wrong:

* ``logger`` and ``json`` are used but never defined or imported (``NameError`` at the worst
  moment);
* ``calculate_stats`` returns different keys for an empty list;
* ``process_users`` starts one coroutine per user with no bound, swallows errors with
  ``gather(return_exceptions=True)`` and only counts them, and passes a ``CancelledError``
  (a ``BaseException``) through as if it were a result;
* ``CachedUserManager.get_users`` returns a dict where the parent returns a list (so the inherited
  ``process_users`` iterates over the dict's keys), pastes paging arguments into the SQL with an
  f-string, caches rows holding ``datetime`` values with ``json.dumps``, and builds a cache key that
  ignores the ``name_prefix`` filter.
"""
# The undefined names below (json, logger) are the lesson: keep them.
# ruff: noqa: F821

from __future__ import annotations

import asyncio
from copy import deepcopy
from typing import Any


class UserManager:
    def __init__(self, db: Any) -> None:
        self.db = db
        self.users: list[dict[str, Any]] = []

    async def load_users(self) -> list[dict[str, Any]]:
        self.users.extend(await self.get_users())
        return self.users

    async def get_users(self) -> list[dict[str, Any]]:
        users = await self.db.query("SELECT * FROM users")
        sanitized = []
        for user in users:
            user_copy = deepcopy(user)
            user_copy.pop("password", None)
            user_copy.pop("password_hash", None)
            sanitized.append(user_copy)
        return sanitized

    def calculate_stats(self, numbers: list[float]) -> dict[str, float]:
        if not numbers:
            return {"total": 0.0, "average": 0.0, "count": 0}  # fewer keys than below
        total = sum(numbers)
        return {
            "total": total,
            "average": total / len(numbers),
            "count": len(numbers),
            "min": min(numbers),
            "max": max(numbers),
        }

    async def process_users(self) -> list[Any]:
        users = await self.get_users()
        results = await asyncio.gather(  # one coroutine per user, all at once
            *[self.process_user(user) for user in users], return_exceptions=True
        )
        successful = [
            r for r in results if not isinstance(r, Exception)
        ]  # CancelledError slips through
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:
            logger.error(f"{len(errors)} users failed processing")  # logger is never defined
        return successful

    async def process_user(self, user: dict[str, Any]) -> dict[str, Any]:
        await self.db.query("SELECT * FROM users WHERE id = $1", user["id"])
        return {"user_id": user["id"], "processed": True}


class CachedUserManager(UserManager):
    """Adds paging, a filter and a cache, and changes ``get_users``' return type on the way."""

    def __init__(self, db: Any, cache: Any) -> None:
        super().__init__(db)
        self.cache = cache

    async def get_users(
        self,
        include_inactive: bool = False,
        page: int = 1,
        page_size: int = 100,
        name_prefix: str | None = None,
    ) -> dict[str, Any]:
        cache_key = (
            f"users:page:{page}:size:{page_size}:inactive:{include_inactive}"  # no name_prefix
        )
        cached = await self.cache.get(cache_key)
        if cached:
            return json.loads(cached)  # json is never imported
        offset = (page - 1) * page_size
        query = "SELECT id, username, email, is_active, created_at FROM users WHERE 1=1"
        params: list[Any] = []
        if not include_inactive:
            query += " AND is_active = true"
        if name_prefix:
            params.append(name_prefix + "%")
            query += f" AND username LIKE ${len(params)}"
        query += f" ORDER BY id LIMIT {page_size} OFFSET {offset}"  # pasted into the SQL text
        users = await self.db.query(query, *params)
        count_query = "SELECT COUNT(*) AS total FROM users"
        if not include_inactive:
            count_query += " WHERE is_active = true"
        total = (await self.db.query(count_query))[0]["total"]
        result = {
            "users": users,
            "total": total,
            "page": page,
            "page_size": page_size,
            "total_pages": (total + page_size - 1) // page_size,
        }
        await self.cache.set(cache_key, json.dumps(result), expire=300)  # datetimes: TypeError
        return result
