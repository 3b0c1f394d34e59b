"""The question's ``UserManager``, bugs and all (kept on purpose: Q10 finds and fixes them).

Four bugs, each observable against :class:`~tarento_lib.review.database.InMemoryUserDB`:

1. ``users`` is a class attribute: every manager shares one list.
2. ``get_users`` blanks passwords *in the rows the database handed out*, so the caller's data
   changes.
3. ``calculate_stats([])`` divides by zero.
4. ``process_users`` awaits one user after the other: N users take N x the query latency.
"""

from __future__ import annotations

from typing import Any


class UserManager:
    users: list[dict[str, Any]] = []  # noqa: RUF012 - BUG 1: one list, shared by every instance

    def __init__(self, db: Any) -> None:
        self.db = db

    async def load_users(self) -> list[dict[str, Any]]:
        """Remember this manager's users (in the shared class list: that is the bug)."""
        self.users.extend(await self.get_users())
        return self.users

    async def get_users(self) -> list[dict[str, Any]]:
        users = await self.db.query("SELECT * FROM users")
        for user in users:
            user["password"] = None  # BUG 2: mutates the database's own row objects
        return users

    def calculate_stats(self, numbers: list[float]) -> dict[str, float]:
        total = sum(numbers)
        average = total / len(numbers)  # BUG 3: ZeroDivisionError on []
        return {"total": total, "average": average}

    async def process_users(self) -> list[dict[str, Any]]:
        users = await self.get_users()
        results = []
        for user in users:
            result = await self.process_user(user)  # BUG 4: one at a time
            results.append(result)
        return results

    async def process_user(self, user: dict[str, Any]) -> dict[str, Any]:
        await self.db.query("SELECT * FROM users WHERE id = $1", user["id"])
        return {"user_id": user["id"], "processed": True}
