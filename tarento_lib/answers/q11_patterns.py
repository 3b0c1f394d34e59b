"""Q11 · Patterns and practices: the answer to write in the interview.

* ``Repository[ModelT]``: data access for one SQLAlchemy 2 model behind a small typed interface;
  the model type flows through, so ``Repository(session, User).get(1)`` is a ``User | None``.
* An error hierarchy: ``AppError`` carries a stable ``code`` for clients and ``details`` for
  logs; subclasses say what went wrong, and wrappers chain the cause with ``raise ... from``.
* ``transaction(session)``: commit when the block finishes, roll back when anything escapes it,
  a cancelled task (``CancelledError`` is a ``BaseException``) included. SQLAlchemy's own
  ``async with session.begin():`` does the same; this is what it does inside.
* ``log_execution_time``: a plain function stays plain, an async one stays async (an
  ``async def`` wrapper around a plain function would turn its result into a coroutine);
  ``perf_counter`` for durations; lazy logging arguments, so a filtered-out record costs nothing.
* ``retry(...)``: a bounded number of attempts, only for the listed (transient) errors, waiting a
  uniform draw in ``[0, min(cap, base * 2 ** (attempt - 1))]`` (full jitter): never over ``cap``.

Cost: each decorator adds O(1) per call; ``retry`` sleeps at most ``(attempts - 1) * cap`` seconds.
Repository reads are one statement each (``get`` may answer from the session's identity map).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Generic, ParamSpec, TypeVar, cast

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

__all__ = ["log_execution_time"]

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
ModelT = TypeVar("ModelT", bound=DeclarativeBase)


class AppError(Exception):
    """Base of the application's errors: ``code`` is stable for clients, ``details`` for logs."""

    code = "internal_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class NotFoundError(AppError):
    code = "not_found"


class ConflictError(AppError):
    code = "conflict"


class Repository(Generic[ModelT]):
    """Reads and writes of one model through the caller's session (the caller owns commits)."""

    def __init__(self, session: AsyncSession, model: type[ModelT]) -> None:
        self.session, self.model = session, model

    async def get(self, id_: int) -> ModelT | None:
        return await self.session.get(self.model, id_)

    async def get_or_raise(self, id_: int) -> ModelT:
        entity = await self.get(id_)
        if entity is None:
            raise NotFoundError(f"{self.model.__name__} {id_} not found", id=id_)
        return entity

    async def find_many(self, *, limit: int = 100, offset: int = 0) -> Sequence[ModelT]:
        if not 1 <= limit <= 1000 or offset < 0:
            raise ValueError(f"limit must be 1..1000 and offset >= 0, got {limit}, {offset}")
        order = sa_inspect(self.model).primary_key
        statement = select(self.model).order_by(*order).limit(limit).offset(offset)
        return (await self.session.scalars(statement)).all()

    async def add(self, entity: ModelT) -> ModelT:
        self.session.add(entity)
        try:
            await self.session.flush()  # send the INSERT now, so a duplicate fails here
        except IntegrityError as error:
            raise ConflictError(f"{self.model.__name__} already exists") from error
        return entity

    async def delete(self, entity: ModelT) -> None:
        await self.session.delete(entity)
        await self.session.flush()


@asynccontextmanager
async def transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commit if the block finishes; roll back if anything escapes it, then re-raise it."""
    try:
        yield session
    except BaseException:
        await session.rollback()
        raise
    await session.commit()


def _log_duration(name: str, start: float) -> None:
    logger.info("%s took %.3f s", name, time.perf_counter() - start)


def log_execution_time(func: Callable[P, R]) -> Callable[P, R]:
    """Log how long each call of ``func`` took, whether it returned or raised."""
    name = func.__qualname__
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            start = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                _log_duration(name, start)

        return cast(Callable[P, R], async_wrapper)

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _log_duration(name, start)

    return wrapper


def retry(
    *,
    attempts: int = 3,
    base: float = 0.1,
    cap: float = 2.0,
    on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Call again after an ``on`` error, at most ``attempts`` calls, waiting with full jitter."""
    if attempts < 1 or base <= 0 or cap < base:
        raise ValueError(f"need attempts >= 1 and 0 < base <= cap, got {attempts}, {base}, {cap}")
    draw = (rng or random.Random()).random

    def wait(attempt: int) -> float:
        return draw() * min(cap, base * 2 ** (attempt - 1))

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
                for attempt in range(1, attempts):
                    try:
                        return await func(*args, **kwargs)
                    except on as error:
                        logger.warning("%s failed (%r), retry %d", func.__name__, error, attempt)
                    await asleep(wait(attempt))
                return await func(*args, **kwargs)  # the last attempt: its error propagates

            return cast(Callable[P, R], async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            for attempt in range(1, attempts):
                try:
                    return func(*args, **kwargs)
                except on as error:
                    logger.warning("%s failed (%r), retry %d", func.__name__, error, attempt)
                sleep(wait(attempt))
            return func(*args, **kwargs)

        return wrapper

    return decorator
