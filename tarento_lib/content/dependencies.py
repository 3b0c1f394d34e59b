"""FastAPI dependencies: the app's database, a session per request, "now", and who may write."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib.auth import Identity, Role, require_role
from tarento_lib.content.cache import ReadCache
from tarento_lib.content.database import Database

__all__ = [
    "AdminDep",
    "DatabaseDep",
    "EditorDep",
    "NowDep",
    "ReadCacheDep",
    "ReadSessionDep",
    "ReviewerDep",
    "SessionDep",
    "get_database",
    "get_now",
    "get_read_cache",
    "get_read_session",
    "get_session",
]


async def get_database(request: Request) -> Database:
    """The :class:`Database` that ``create_app`` stored on the application.

    ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread,
    a thread hop per request for a one-line attribute read.
    """
    return request.app.state.database


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_session(database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """One session per request, closed (and rolled back if unfinished) afterwards."""
    async with database.session() as session:
        yield session


async def get_read_session(database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """A read-only, autocommit session for GET routes that read one statement's worth of data."""
    async with database.read_session() as session:
        yield session


async def get_read_cache(request: Request) -> ReadCache | None:
    """The app's optional cache of public reads (``None`` unless ``read_cache_ttl`` was given)."""
    return request.app.state.read_cache


async def get_now(request: Request) -> datetime:
    """The request's timestamp: the wall-clock reading of the clock given to ``create_app``."""
    return request.app.state.clock.wall()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
ReadCacheDep = Annotated[ReadCache | None, Depends(get_read_cache)]
NowDep = Annotated[datetime, Depends(get_now)]

# Who may write (401 without a valid token, 403 without the role; see ``tarento_lib.auth``).
EditorDep = Annotated[Identity, require_role(Role.EDITOR)]
ReviewerDep = Annotated[Identity, require_role(Role.REVIEWER)]
AdminDep = Annotated[Identity, require_role(Role.ADMIN)]
