"""A tiny in-memory async "database" and cache that make Q10's bugs observable.

:class:`InMemoryUserDB` understands the handful of SQL statements the lesson's managers send
(``SELECT`` from one ``users`` table, with ``WHERE``, ``ORDER BY``, ``LIMIT``/``OFFSET`` and
``COUNT(*)``), takes ``latency`` seconds per query on the event loop's clock, and records every
call (SQL text, parameters, start, end), so a test can ask how long a batch took, how many
queries ran at once, and exactly what SQL was sent.

Like a driver's row cache or an ORM identity map, ``SELECT *`` hands out the stored row
objects themselves: a caller that mutates them changes what every later caller sees.
Run it under :func:`tarento_lib.virtual_time.run_virtual` and the latency costs no real time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tarento_lib._validate import require_int, require_number, require_str

__all__ = ["Call", "DatabaseError", "InMemoryCache", "InMemoryUserDB", "sample_users"]

_SELECT = re.compile(
    r"^SELECT\s+(?P<cols>.+?)\s+FROM\s+users"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+(?P<order>\w+))?"
    r"(?:\s+LIMIT\s+(?P<limit>\S+))?"
    r"(?:\s+OFFSET\s+(?P<offset>\S+))?$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(r"^(?P<col>\w+)\s*(?P<op>=|LIKE)\s*(?P<value>\S+)$", re.IGNORECASE)
_COLUMNS = frozenset({"id", "username", "email", "password", "is_active", "created_at"})
_COUNT = re.compile(r"^COUNT\(\*\)(?:\s+AS\s+(?P<alias>\w+))?$", re.IGNORECASE)


class DatabaseError(Exception):
    """The stand-in refused a statement
    (a syntax error or a bad LIMIT/OFFSET, as PostgreSQL would)."""


@dataclass(frozen=True)
class Call:
    """One query as the database saw it, with its start and end on the loop's clock."""

    sql: str
    params: tuple[Any, ...]
    start: float
    end: float


def sample_users(count: int, *, inactive_every: int = 4) -> list[dict[str, Any]]:
    """``count`` deterministic user rows (every ``inactive_every``-th one inactive)."""
    require_int(count, "count", minimum=0)
    base = datetime(2024, 1, 1, 9, 0)
    names = ["asha", "bala", "chitra", "dev", "esha", "farhan", "gita", "hari", "isha", "jai"]
    return [
        {
            "id": i,
            "username": f"{names[(i - 1) % len(names)]}{(i - 1) // len(names) or ''}",
            "email": f"user{i}@example.org",
            "password": f"secret-{i}",
            "is_active": i % inactive_every != 0,
            "created_at": base + timedelta(days=i),
        }
        for i in range(1, count + 1)
    ]


@dataclass
class InMemoryUserDB:
    """An async, in-memory ``users`` table with per-query latency and a call log."""

    rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    latency: float = 0.05
    calls: list[Call] = field(default_factory=list, init=False, repr=False)
    failures: dict[int, BaseException] = field(default_factory=dict, init=False, repr=False)
    peak_concurrency: int = field(default=0, init=False)
    _in_flight: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        require_number(self.latency, "latency", minimum=0)

    def fail(self, user_id: int, error: BaseException) -> None:
        """Make the next lookups of ``user_id`` (``WHERE id = $1``) raise ``error``."""
        self.failures[user_id] = error

    async def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Run one statement; ``$1``, ``$2``… are bound parameters."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        self._in_flight += 1
        self.peak_concurrency = max(self.peak_concurrency, self._in_flight)
        try:
            await asyncio.sleep(self.latency)
            return self._execute(" ".join(sql.split()), params)
        finally:
            self._in_flight -= 1
            self.calls.append(
                Call(sql=" ".join(sql.split()), params=params, start=start, end=loop.time())
            )

    def elapsed(self) -> float:
        """Time from the first query's start to the last one's end (0 when none ran)."""
        if not self.calls:
            return 0.0
        return max(c.end for c in self.calls) - min(c.start for c in self.calls)

    # --- the tiny SQL engine ---------------------------------------------------------
    def _execute(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        if ";" in sql or "--" in sql:
            raise DatabaseError(f"cannot run several statements or comments in one query: {sql!r}")
        match = _SELECT.match(sql)
        if match is None:
            raise DatabaseError(f"syntax error in {sql!r}")
        keep = self._where(match["where"], params)
        rows = [r for r in self.rows if keep(r)]
        count = _COUNT.match(match["cols"].strip())
        if count:
            return [{count["alias"] or "count": len(rows)}]
        if match["order"]:
            rows.sort(key=lambda r: r[match["order"]])
        offset = self._bound(match["offset"], params, "OFFSET", default=0)
        limit = self._bound(match["limit"], params, "LIMIT", default=None)
        rows = rows[offset:] if limit is None else rows[offset : offset + limit]
        cols = match["cols"].strip()
        if cols == "*":
            return rows  # the stored objects themselves (see the module docstring)
        wanted = [c.strip() for c in cols.split(",")]
        return [{c: r[c] for c in wanted} for r in rows]

    def _value(self, token: str, params: tuple[Any, ...]) -> Any:
        if token.startswith("$"):
            index = int(token[1:]) - 1
            if not 0 <= index < len(params):
                raise DatabaseError(f"there is no parameter {token}")
            return params[index]
        if token.lower() in ("true", "false"):
            return token.lower() == "true"
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        raise DatabaseError(f"syntax error at or near {token!r}")

    def _where(
        self, where: str | None, params: tuple[Any, ...]
    ) -> Callable[[dict[str, Any]], bool]:
        """Parse the WHERE clause once; return a predicate over rows."""
        tests: list[tuple[str, str, Any]] = []
        for condition in re.split(r"\s+AND\s+", where or "", flags=re.IGNORECASE):
            if condition in ("", "1=1", "1 = 1"):
                continue
            match = _CONDITION.match(condition)
            if match is None or match["col"] not in _COLUMNS:
                raise DatabaseError(f"syntax error in condition {condition!r}")
            tests.append((match["col"], match["op"].upper(), self._value(match["value"], params)))
        by_id = any(col == "id" and op == "=" for col, op, _ in tests)

        def keep(row: dict[str, Any]) -> bool:
            for col, op, value in tests:
                if op == "LIKE" and not str(row[col]).startswith(str(value).rstrip("%")):
                    return False
                if op == "=" and row[col] != value:
                    return False
            error = self.failures.get(row["id"]) if by_id else None
            if error is not None:
                raise error
            return True

        return keep

    def _bound(
        self, token: str | None, params: tuple[Any, ...], what: str, *, default: int | None
    ) -> int | None:
        if token is None:
            return default
        value = self._value(token, params)
        if isinstance(value, bool) or not isinstance(value, int):
            raise DatabaseError(f"{what} must be an integer, got {value!r}")
        if value < 0:
            raise DatabaseError(f"{what} must not be negative")
        return value


@dataclass
class InMemoryCache:
    """An async key/value cache of strings (``get``/``set``), remembering what was stored."""

    data: dict[str, str] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    async def get(self, key: str) -> str | None:
        await asyncio.sleep(0)
        value = self.data.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    async def set(self, key: str, value: str, expire: int | None = None) -> None:
        require_str(value, "value")  # serialise it first
        if expire is not None:
            require_int(expire, "expire", minimum=1)
        await asyncio.sleep(0)
        self.data[key] = value
