"""A generic async ``Repository[T]`` over SQLAlchemy 2: get, add, page through, delete.

The repository hides *how* rows are stored behind four verbs, so a service can be tested
with a fake repository and the query code lives in one place. It never commits: the caller
decides the unit of work with :func:`tarento_lib.patterns.transaction.transaction`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError, NoInspectionAvailable
from sqlalchemy.ext.asyncio import AsyncSession

from tarento_lib._validate import require_instance, require_int
from tarento_lib.patterns.errors import Conflict, NotFound

__all__ = ["MAX_PAGE_SIZE", "Page", "Repository"]

T = TypeVar("T")
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where it sits in the whole."""

    items: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.page_size)


class Repository(Generic[T]):
    """Data access for one mapped class ``model`` through an ``AsyncSession``."""

    def __init__(self, session: AsyncSession, model: type[T]) -> None:
        require_instance(session, "session", AsyncSession)
        try:
            mapper = inspect(model)
        except NoInspectionAvailable:
            raise TypeError(f"model must be a mapped class, got {model!r}") from None
        self.session = session
        self.model = model
        self._primary_key = mapper.primary_key

    async def get(self, ident: Any) -> T | None:
        """The row with primary key ``ident``, or ``None``."""
        return await self.session.get(self.model, ident)

    async def get_or_raise(self, ident: Any) -> T:
        """Like :meth:`get`, but a missing row is :class:`NotFound`."""
        found = await self.get(ident)
        if found is None:
            raise NotFound(f"{self.model.__name__} {ident!r} does not exist", details={"id": ident})
        return found

    async def add(self, obj: T) -> T:
        """Stage ``obj`` and flush, so its generated key is known;
        a duplicate is :class:`Conflict`."""
        self.session.add(require_instance(obj, "obj", self.model))
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise Conflict(
                f"{self.model.__name__} conflicts with an existing row",
                details={"reason": str(exc.orig)},
            ) from exc
        return obj

    async def list(self, *, page: int = 1, page_size: int = 50) -> Page[T]:
        """One page in primary-key order (stable: every row appears on exactly one page)."""
        require_int(page, "page", minimum=1)
        require_int(page_size, "page_size", minimum=1, maximum=MAX_PAGE_SIZE)
        query = (
            select(self.model)
            .order_by(*self._primary_key)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        items = (await self.session.scalars(query)).all()
        return Page(items=items, total=await self.count(), page=page, page_size=page_size)

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(self.model)) or 0)

    async def delete(self, ident: Any) -> bool:
        """Delete the row with primary key ``ident``; ``False`` when there was none."""
        found = await self.get(ident)
        if found is None:
            return False
        await self.session.delete(found)
        await self.session.flush()
        return True
