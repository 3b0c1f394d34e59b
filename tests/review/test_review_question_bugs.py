"""The question's four bugs: each test fails on ``buggy`` (strict xfail) and passes on ``fixed``."""

from __future__ import annotations

from types import ModuleType

import pytest

from tarento_lib.review import buggy, fixed
from tarento_lib.virtual_time import run_virtual


def versions(reason: str, raises: type[BaseException] = AssertionError) -> list:
    return [
        pytest.param(
            buggy, marks=pytest.mark.xfail(raises=raises, strict=True, reason=reason), id="buggy"
        ),
        pytest.param(fixed, id="fixed"),
    ]


@pytest.fixture(autouse=True)
def fresh_class_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug 1 leaks through a class attribute; give every test its own, so tests stay independent."""
    monkeypatch.setattr(buggy.UserManager, "users", [])


@pytest.mark.parametrize(
    "module", versions("bug 1: users is a class attribute shared by every instance")
)
def test_managers_do_not_share_users(module: ModuleType, make_db) -> None:
    first, second = module.UserManager(make_db(3)), module.UserManager(make_db(2))
    run_virtual(first.load_users())
    assert second.users == []
    assert len(first.users) == 3


@pytest.mark.parametrize(
    "module", versions("bug 2: get_users blanks the password in the database's own rows")
)
def test_get_users_leaves_the_callers_rows_alone(module: ModuleType, make_db) -> None:
    db = make_db(3)
    users = run_virtual(module.UserManager(db).get_users())
    assert [row["password"] for row in db.rows] == ["secret-1", "secret-2", "secret-3"]
    assert all("password" not in user for user in users)


@pytest.mark.parametrize(
    "module", versions("bug 3: division by zero on an empty list", ZeroDivisionError)
)
def test_stats_of_an_empty_list(module: ModuleType, make_db) -> None:
    stats = module.UserManager(make_db()).calculate_stats([])
    assert stats["total"] == 0
    assert stats["average"] is None


@pytest.mark.parametrize("module", versions("bug 4: users are awaited one by one"))
def test_users_are_processed_concurrently(module: ModuleType, make_db) -> None:
    db = make_db(8, latency=0.05)
    run_virtual(module.UserManager(db).process_users())
    # one query for the list, then all eight lookups together: 2 x latency, not 9 x
    assert db.elapsed() == pytest.approx(2 * 0.05)
    assert db.peak_concurrency == 8


def test_stats_of_numbers_are_right() -> None:
    stats = fixed.UserManager.calculate_stats([2, 4, 9])
    assert stats == {"count": 3, "total": 15, "average": 5, "min": 2, "max": 9}


def test_fixed_returns_every_user_processed(make_db) -> None:
    report = run_virtual(fixed.UserManager(make_db(4)).process_users())
    assert report.processed == [{"user_id": i, "processed": True} for i in range(1, 5)]
    assert report.failed == {}


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_fixed_rejects_a_bad_concurrency_bound(bad: object, make_db) -> None:
    with pytest.raises((ValueError, TypeError), match="max_concurrency"):
        fixed.UserManager(make_db(), max_concurrency=bad)
