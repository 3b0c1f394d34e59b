"""The in-memory users table, the cache and the bug_hunt suite (the fixed UserManager)."""

from __future__ import annotations

import asyncio

import pytest

from tarento_lib.answers.q10_user_manager import UserManager
from tarento_lib.lab import run_suite
from tarento_lib.review import buggy, fixed, suggested
from tarento_lib.review.database import DatabaseError, InMemoryCache, InMemoryUserDB, sample_users
from tarento_lib.virtual_time import run_virtual


def test_select_where_order_limit_offset() -> None:
    db = InMemoryUserDB(rows=sample_users(10), latency=0.01)
    rows = run_virtual(
        db.query(
            "SELECT id, username FROM users WHERE is_active = true ORDER BY id LIMIT $1 OFFSET $2",
            2,
            1,
        )
    )
    assert rows == [{"id": 2, "username": "bala"}, {"id": 3, "username": "chitra"}]
    count = run_virtual(
        db.query("SELECT COUNT(*) AS total FROM users WHERE username LIKE $1", "asha%")
    )
    assert count == [{"total": 1}]
    assert [c.params for c in db.calls] == [(2, 1), ("asha%",)]


def test_select_star_hands_out_the_stored_rows() -> None:
    db = InMemoryUserDB(rows=sample_users(2))
    rows = run_virtual(db.query("SELECT * FROM users"))
    assert rows[0] is db.rows[0]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM users LIMIT 1; DROP TABLE users; --", "several statements"),
        ("SELECT * FROM users OFFSET -1", "OFFSET must not be negative"),
        ("SELECT * FROM users LIMIT -1", "LIMIT must not be negative"),
        ("DELETE FROM users", "syntax error"),
        ("SELECT * FROM users WHERE id = $2", "no parameter"),
        ("SELECT * FROM users WHERE nope = 1", "syntax error"),
        ("SELECT * FROM users LIMIT 'x'", "syntax error"),
    ],
)
def test_bad_statements_are_refused(sql: str, message: str) -> None:
    db = InMemoryUserDB(rows=sample_users(3))
    with pytest.raises(DatabaseError, match=message):
        run_virtual(db.query(sql, 1))


@pytest.mark.parametrize(
    ("latency", "error", "message"),
    [
        (-1, ValueError, "latency must be a finite number >= 0, got -1"),
        ("fast", TypeError, "latency must be a number, got str"),
        (True, TypeError, "latency must be a number, got bool"),
    ],
)
def test_bad_latency(latency: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        InMemoryUserDB(latency=latency)


def test_sample_users_validates_and_is_deterministic() -> None:
    assert sample_users(3) == sample_users(3)
    assert [u["is_active"] for u in sample_users(4)] == [True, True, True, False]
    with pytest.raises(ValueError, match="count"):
        sample_users(-1)


def test_cache_round_trip_and_validation() -> None:
    cache = InMemoryCache()
    assert run_virtual(cache.get("k")) is None
    run_virtual(cache.set("k", "v", expire=5))
    assert run_virtual(cache.get("k")) == "v"
    assert (cache.hits, cache.misses) == (1, 1)
    with pytest.raises(TypeError, match="value"):
        run_virtual(cache.set("k", {"a": 1}))
    with pytest.raises(ValueError, match="expire"):
        run_virtual(cache.set("k", "v", expire=0))


def test_bug_hunt_reference_and_answer_pass_every_case() -> None:
    for candidate in (fixed.UserManager, UserManager):
        card = run_suite(candidate, "bug_hunt")
        assert card.ok and card.passed == len(card.results), card.render()


def test_bug_hunt_fails_the_question_on_exactly_its_bugs() -> None:
    card = run_suite(buggy.UserManager, "bug_hunt")
    assert [r.name for r in card.results if r.passed] == ["calculate_stats adds and averages"]


def test_bug_hunt_catches_the_suggested_fix() -> None:
    card = run_suite(suggested.UserManager, "bug_hunt")
    assert {r.name for r in card.failed} == {
        "calculate_stats([]) gives the same keys, average None",
        "process_users runs users concurrently, at most max_concurrency at once",
        "process_users has a bound by default",
        "a failing user is reported, the others still processed",
        "a cancelled lookup is a failure, not a result",
        "max_concurrency below 1 is refused",
    }


def test_bug_hunt_catches_an_unbounded_gather() -> None:
    class Unbounded(fixed.UserManager):
        async def process_users(self) -> fixed.ProcessReport:
            users = await self.get_users()
            outcomes = await asyncio.gather(*map(self.process_user, users), return_exceptions=True)
            return self._report(users, outcomes)

    card = run_suite(Unbounded, "bug_hunt")
    assert {r.name for r in card.failed} == {
        "process_users runs users concurrently, at most max_concurrency at once",
        "process_users has a bound by default",
    }
