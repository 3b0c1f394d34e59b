"""Reviewing the commonly suggested fix: every remaining bug fails on ``suggested`` (strict xfail)
and passes on ``fixed``. Pitfalls Q10-1 … Q10-8 plus the issue's extra findings."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from tarento_lib.review import fixed, suggested
from tarento_lib.review.database import DatabaseError
from tarento_lib.virtual_time import run_virtual


def versions(reason: str, raises: type[BaseException] = AssertionError) -> list:
    return [
        pytest.param(
            "suggested",
            marks=pytest.mark.xfail(raises=raises, strict=True, reason=reason),
            id="suggested",
        ),
        pytest.param("fixed", id="fixed"),
    ]


def manager(version: str, db: Any, cache: Any = None) -> Any:
    if version == "fixed":
        return fixed.PagedUserManager(db, cache) if cache is not None else fixed.UserManager(db)
    return (
        suggested.CachedUserManager(db, cache) if cache is not None else suggested.UserManager(db)
    )


async def page(m: Any, **filters: Any) -> dict[str, Any]:
    """The paged read: ``get_page`` on the fixed manager,
    the overridden ``get_users`` on the suggested one."""
    if isinstance(m, fixed.PagedUserManager):
        return await m.get_page(**filters)
    return await m.get_users(**filters)


def processed(result: Any) -> list[Any]:
    return result.processed if isinstance(result, fixed.ProcessReport) else result


async def outcome(coro: Any) -> Any:
    """The coroutine's result, or the exception it raised (so a test can assert on either)."""
    try:
        return await coro
    except Exception as exc:
        return exc


@pytest.mark.parametrize("version", versions("Q10-1: logger is never defined", NameError))
def test_partial_failure_returns_the_rest_and_logs(version: str, make_db, caplog) -> None:
    db = make_db(4)
    db.fail(3, RuntimeError("profile service down"))
    with caplog.at_level(logging.WARNING):
        result = run_virtual(manager(version, db).process_users())
    assert [r["user_id"] for r in processed(result)] == [1, 2, 4]
    assert "profile service down" in caplog.text


@pytest.mark.parametrize(
    "version", versions("Q10-1 / swallowed errors: failures are merely counted")
)
def test_each_failure_is_reported_with_its_user(version: str, make_db, patched_suggested) -> None:
    db = make_db(4)
    error = RuntimeError("profile service down")
    db.fail(3, error)
    result = run_virtual(manager(version, db).process_users())
    assert getattr(result, "failed", None) == {3: error}


@pytest.mark.parametrize("version", versions("Q10-2: json is never imported", NameError))
def test_cache_miss_and_hit_work(version: str, make_db, cache) -> None:
    m = manager(version, make_db(6), cache)
    first = run_virtual(page(m, page=1, page_size=2))
    second = run_virtual(page(m, page=1, page_size=2))
    assert first == second
    assert (cache.misses, cache.hits) == (1, 1)


@pytest.mark.parametrize(
    "version", versions("Q10-3: datetime values are not JSON serialisable", TypeError)
)
def test_rows_with_datetimes_are_cached(version: str, make_db, cache, monkeypatch) -> None:
    monkeypatch.setattr(suggested, "json", json, raising=False)
    result = run_virtual(page(manager(version, make_db(3), cache), page=1, page_size=10))
    assert result["users"][0]["created_at"] == "2024-01-02T09:00:00"
    assert len(cache.data) == 1


@pytest.mark.parametrize("version", versions("Q10-4: the subclass's get_users returns a dict"))
def test_subclass_keeps_the_parent_contract(
    version: str, make_db, cache, patched_suggested
) -> None:
    m = manager(version, make_db(4), cache)
    users = run_virtual(m.get_users())
    assert isinstance(users, list)
    assert len(processed(run_virtual(m.process_users()))) == 4


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({"page": 0, "page_size": 10}, id="page-0-negative-offset"),
        pytest.param({"page": 1, "page_size": 0}, id="page_size-0"),
        pytest.param({"page": 1, "page_size": 10**9}, id="huge-page_size"),
        pytest.param({"page": 1, "page_size": "1; DROP TABLE users; --"}, id="sql-injection"),
        pytest.param({"page": 1.5, "page_size": 10}, id="float-page"),
    ],
)
@pytest.mark.parametrize(
    "version", versions("Q10-5: paging arguments are pasted into the SQL unchecked")
)
def test_bad_paging_is_refused_before_any_sql(
    version: str, filters: dict, make_db, cache, patched_suggested
) -> None:
    db = make_db(5)
    got = run_virtual(outcome(page(manager(version, db, cache), **filters)))
    assert isinstance(got, (ValueError, TypeError)) and not isinstance(got, DatabaseError)
    assert db.calls == []


def test_fixed_sends_paging_as_bound_parameters(make_db, cache) -> None:
    db = make_db(5)
    run_virtual(fixed.PagedUserManager(db, cache).get_page(page=2, page_size=2))
    select = db.calls[0]
    assert "LIMIT $1 OFFSET $2" in select.sql and select.params == (2, 2)


@pytest.mark.parametrize("version", versions("Q10-6: one coroutine per user, no bound"))
def test_concurrency_is_bounded(version: str, make_db) -> None:
    db = make_db(50)
    run_virtual(manager(version, db).process_users())
    assert db.peak_concurrency <= 10


@pytest.mark.parametrize("version", versions("Q10-7: fewer keys for an empty list"))
def test_stats_have_the_same_keys_for_every_input(version: str, make_db) -> None:
    m = manager(version, make_db())
    assert m.calculate_stats([]).keys() == m.calculate_stats([1, 2]).keys()


@pytest.mark.parametrize("version", versions("Q10-8: a CancelledError passes as a result"))
def test_a_cancelled_child_is_not_a_result(version: str, make_db, patched_suggested) -> None:
    db = make_db(3)
    db.fail(2, asyncio.CancelledError())
    result = run_virtual(manager(version, db).process_users())
    assert all(isinstance(r, dict) for r in processed(result))
    assert len(processed(result)) == 2


@pytest.mark.parametrize("version", versions("the cache key ignores the name_prefix filter"))
def test_cache_key_covers_every_filter(version: str, make_db, cache, patched_suggested) -> None:
    m = manager(version, make_db(10), cache)
    run_virtual(page(m, page=1, page_size=10, name_prefix="asha"))
    second = run_virtual(page(m, page=1, page_size=10, name_prefix="bala"))
    assert [u["username"] for u in second["users"]] == ["bala"]


def test_page_cache_key_is_stable_and_distinct() -> None:
    assert fixed.page_cache_key(page=1, name_prefix="a") == fixed.page_cache_key(
        name_prefix="a", page=1
    )
    assert fixed.page_cache_key(page=1, name_prefix="a") != fixed.page_cache_key(
        page=1, name_prefix=None
    )


def test_fixed_page_counts_only_the_filtered_rows(make_db, cache) -> None:
    result = run_virtual(
        fixed.PagedUserManager(make_db(12), cache).get_page(page_size=5, include_inactive=True)
    )
    assert (result["total"], result["total_pages"], len(result["users"])) == (12, 3, 5)
    assert all("password" not in user for user in result["users"])
