"""Model-based: any sequence of add/delete on Repository matches a dict, page by page (SQLite)."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.patterns.demo import Base, Candidate
from tarento_lib.patterns.engine import create_engine, session_factory
from tarento_lib.patterns.repository import Repository
from tarento_lib.patterns.transaction import transaction

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 30)),
        st.tuples(st.just("delete"), st.integers(1, 40)),
    ),
    max_size=25,
)


async def replay(
    ops: list[tuple[str, int]], page_size: int
) -> tuple[dict[int, str], list[list[tuple[int, str]]], bool]:
    engine = create_engine()
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    model: dict[int, str] = {}
    serial, deletes_agree = 1, True
    try:
        async with session_factory(engine)() as session:
            repo = Repository(session, Candidate)
            for op, value in ops:
                async with transaction(session):
                    if op == "add":
                        added = await repo.add(
                            Candidate(email=f"{serial}-{value}@example.org", name=str(value))
                        )
                        model[added.id] = str(
                            value
                        )  # the database picks the key (SQLite may reuse one)
                        serial += 1
                    else:
                        deletes_agree &= await repo.delete(value) == (
                            model.pop(value, None) is not None
                        )
            pages, page = [], 1
            while True:
                found = await repo.list(page=page, page_size=page_size)
                if not found.items:
                    break
                pages.append([(c.id, c.name) for c in found.items])
                page += 1
        return model, pages, deletes_agree
    finally:
        await engine.dispose()


@settings(max_examples=25, deadline=None)
@given(operations, st.integers(1, 7))
def test_repository_matches_a_dict(ops: list[tuple[str, int]], page_size: int) -> None:
    model, pages, deletes_agree = asyncio.run(replay(ops, page_size))
    assert deletes_agree
    assert [row for page in pages for row in page] == sorted(model.items())
    assert all(len(page) == page_size for page in pages[:-1])
