"""Repository[T] on SQLite (and PostgreSQL when configured): get, add, page, delete, errors."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib.patterns.demo import Candidate
from tarento_lib.patterns.errors import Conflict, NotFound
from tarento_lib.patterns.repository import Repository
from tarento_lib.patterns.transaction import transaction

pytestmark = pytest.mark.asyncio


async def add_many(session: AsyncSession, count: int) -> None:
    async with transaction(session):
        repo = Repository(session, Candidate)
        for i in range(1, count + 1):
            await repo.add(Candidate(email=f"c{i}@example.org", name=f"candidate {i}"))


async def test_add_assigns_a_key_and_get_finds_it(sessions) -> None:
    async with sessions() as session:
        async with transaction(session):
            added = await Repository(session, Candidate).add(
                Candidate(email="a@example.org", name="Asha")
            )
        assert added.id is not None
    async with sessions() as session:
        found = await Repository(session, Candidate).get(added.id)
        assert found is not None and found.email == "a@example.org"
        assert await Repository(session, Candidate).get(added.id + 100) is None


async def test_list_pages_cover_every_row_once(sessions) -> None:
    async with sessions() as session:
        await add_many(session, 7)
        repo = Repository(session, Candidate)
        pages = [await repo.list(page=p, page_size=3) for p in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [3, 3, 1, 0]
    assert [c.id for p in pages for c in p.items] == list(range(1, 8))
    assert {(p.total, p.pages) for p in pages} == {(7, 3)}


async def test_delete_removes_and_reports(sessions) -> None:
    async with sessions() as session:
        await add_many(session, 2)
        async with transaction(session):
            assert await Repository(session, Candidate).delete(1) is True
            assert await Repository(session, Candidate).delete(1) is False
    async with sessions() as session:
        assert await Repository(session, Candidate).count() == 1


async def test_missing_row_is_not_found(sessions) -> None:
    async with sessions() as session:
        with pytest.raises(NotFound) as caught:
            await Repository(session, Candidate).get_or_raise(42)
    assert caught.value.details == {"id": 42} and caught.value.status == 404


async def test_duplicate_is_a_conflict_chained_to_the_driver_error(sessions) -> None:
    async with sessions() as session:
        await add_many(session, 1)
        with pytest.raises(Conflict) as caught:
            async with transaction(session):
                await Repository(session, Candidate).add(
                    Candidate(email="c1@example.org", name="again")
                )
    assert type(caught.value.__cause__).__name__ == "IntegrityError"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"page": 0}, ValueError),
        ({"page_size": 0}, ValueError),
        ({"page_size": 10**6}, ValueError),
        ({"page": "1"}, TypeError),
        ({"page_size": True}, TypeError),
    ],
)
async def test_bad_paging_arguments(sessions, kwargs: dict, error: type[Exception]) -> None:
    async with sessions() as session:
        with pytest.raises(error, match="page"):
            await Repository(session, Candidate).list(**kwargs)


async def test_constructor_and_add_validate(sessions) -> None:
    async with sessions() as session:
        with pytest.raises(TypeError, match="mapped class"):
            Repository(session, dict)
        with pytest.raises(TypeError, match="Candidate"):
            await Repository(session, Candidate).add({"email": "x"})
    with pytest.raises(TypeError, match="AsyncSession"):
        Repository(object(), Candidate)
