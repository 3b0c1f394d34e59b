"""transaction(): commit on success, rollback on any error
(cancellation included), savepoints nest."""

from __future__ import annotations

import asyncio

import pytest

from tarento_lib.patterns.demo import Candidate
from tarento_lib.patterns.repository import Repository
from tarento_lib.patterns.transaction import transaction

pytestmark = pytest.mark.asyncio


def candidate(i: int) -> Candidate:
    return Candidate(email=f"t{i}@example.org", name=f"t{i}")


async def stored_emails(sessions) -> list[str]:
    async with sessions() as session:
        return [c.email for c in (await Repository(session, Candidate).list()).items]


async def test_commit_on_success_is_visible_to_another_session(sessions) -> None:
    async with sessions() as session, transaction(session):
        await Repository(session, Candidate).add(candidate(1))
    assert await stored_emails(sessions) == ["t1@example.org"]


async def test_rollback_really_discards_rows(sessions) -> None:
    async with sessions() as session:
        with pytest.raises(RuntimeError):
            async with transaction(session):
                await Repository(session, Candidate).add(candidate(1))
                raise RuntimeError("boom")
        assert await Repository(session, Candidate).count() == 0
    assert await stored_emails(sessions) == []


async def test_savepoints_nest(sessions) -> None:
    async with sessions() as session:
        repo = Repository(session, Candidate)
        async with transaction(session):
            await repo.add(candidate(1))
            with pytest.raises(KeyError):
                async with transaction(session):
                    await repo.add(candidate(2))
                    async with transaction(session):
                        await repo.add(candidate(3))
                    raise KeyError("inner")
            async with transaction(session):
                await repo.add(candidate(4))
    assert await stored_emails(sessions) == ["t1@example.org", "t4@example.org"]


async def test_outer_failure_discards_released_savepoints(sessions) -> None:
    async with sessions() as session:
        with pytest.raises(ValueError):
            async with transaction(session):
                async with transaction(session):
                    await Repository(session, Candidate).add(candidate(1))
                raise ValueError("outer")
    assert await stored_emails(sessions) == []


async def test_cancellation_rolls_back(sessions) -> None:
    """Pitfall PAT-1: a CancelledError is a BaseException; the block must still roll back."""
    entered = asyncio.Event()

    async def work() -> None:
        async with sessions() as session, transaction(session):
            await Repository(session, Candidate).add(candidate(1))
            entered.set()
            await asyncio.Event().wait()  # parked until cancelled

    task = asyncio.create_task(work())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await stored_emails(sessions) == []


async def test_depth_is_restored_so_the_next_block_commits(sessions) -> None:
    async with sessions() as session:
        with pytest.raises(RuntimeError):
            async with transaction(session):
                raise RuntimeError
        await Repository(session, Candidate).count()  # autobegins a transaction
        async with transaction(session):
            await Repository(session, Candidate).add(candidate(1))
    assert await stored_emails(sessions) == ["t1@example.org"]


async def test_rejects_a_non_session() -> None:
    with pytest.raises(TypeError, match="AsyncSession"):
        async with transaction(object()):
            pass
