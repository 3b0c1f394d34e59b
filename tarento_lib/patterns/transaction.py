"""``transaction(session)``: commit on success, roll back on *any* error, nest as savepoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib._validate import require_instance

__all__ = ["transaction"]

_DEPTH = "tarento_transaction_depth"  # kept in session.info: how many transaction() blocks are open


@asynccontextmanager
async def transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Run the block as the session's unit of work, or as a savepoint inside an open block.

    The outermost block owns the session's transaction: it commits when the block finishes
    normally (everything the session holds, including work done just before the block). A
    nested block runs in a SAVEPOINT, released on success. Any exception, ``CancelledError`` and
    ``KeyboardInterrupt`` included (``BaseException``\\s, not ``Exception``\\s), undoes exactly
    that block's work and propagates.
    """
    require_instance(session, "session", AsyncSession)
    depth = session.info.get(_DEPTH, 0)
    savepoint = await session.begin_nested() if depth else None
    session.info[_DEPTH] = depth + 1
    try:
        yield session
    except BaseException:
        if savepoint is None:
            await session.rollback()
        elif savepoint.is_active:
            await savepoint.rollback()
        raise
    else:
        await (session.commit() if savepoint is None else savepoint.commit())
    finally:
        session.info[_DEPTH] = depth
