"""A small mapped model and FastAPI app that put the patterns together (used by tests and Q11).

``create_app(sessions)`` serves ``/candidates``: the route code is three lines each because the
repository does the data access, ``transaction`` the unit of work and the installed handlers
the error-to-HTTP mapping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tarento_lib.patterns.http import install_error_handlers
from tarento_lib.patterns.repository import MAX_PAGE_SIZE, Repository
from tarento_lib.patterns.transaction import transaction

__all__ = ["Base", "Candidate", "CandidateIn", "create_app"]


class Base(DeclarativeBase):
    pass


class Candidate(Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(100))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "name": self.name}

    def __repr__(self) -> str:
        return f"Candidate(id={self.id!r}, email={self.email!r})"


class CandidateIn(BaseModel):
    email: str = Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1, max_length=100)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, from the factory the app was built with."""
    async with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def create_app(sessions: async_sessionmaker[AsyncSession]) -> FastAPI:
    """The demo API over ``sessions`` (nothing is built at import time)."""
    app = install_error_handlers(FastAPI(title="patterns demo"))
    app.state.sessions = sessions

    @app.post("/candidates", status_code=201)
    async def add_candidate(body: CandidateIn, session: SessionDep) -> dict[str, Any]:
        async with transaction(session):
            added = await Repository(session, Candidate).add(Candidate(**body.model_dump()))
        return added.to_dict()

    @app.get("/candidates/{ident}")
    async def get_candidate(ident: int, session: SessionDep) -> dict[str, Any]:
        return (await Repository(session, Candidate).get_or_raise(ident)).to_dict()

    @app.get("/candidates")
    async def list_candidates(
        session: SessionDep,
        page: Annotated[int, Query(ge=1)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    ) -> dict[str, Any]:
        found = await Repository(session, Candidate).list(page=page, page_size=page_size)
        return {
            "items": [c.to_dict() for c in found.items],
            "total": found.total,
            "pages": found.pages,
        }

    return app
