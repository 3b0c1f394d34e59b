"""A small users API on a :class:`ConnectionManager`: reads on replicas, writes on the primary.

It is the corrected version of the guide's FastAPI example, used by the q07 notebook and tests:
each route gets a real session from a parameter-less dependency (the client cannot pick the node),
bodies are validated by a schema of client-settable fields, and ``/health/database`` reports
every node. The app's ``lifespan`` closes the manager's pools on shutdown. Every response
carries ``X-Served-By`` naming the node that served it.

(No ``from __future__ import annotations`` here: FastAPI must resolve the local ``Annotated``
dependency aliases of the routes at runtime.)
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tarento_lib.db.health import health_router
from tarento_lib.db.manager import ConnectionManager

__all__ = ["Base", "User", "UserCreate", "UserOut", "create_schema", "create_users_app"]


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    is_admin: Mapped[bool] = mapped_column(default=False)


class UserCreate(BaseModel):
    """What a client may set: the name, nothing else (unknown or privileged fields are a 422)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    is_admin: bool


async def create_schema(manager: ConnectionManager) -> None:
    """Create the ``users`` table on every node (stand-in replicas do not replicate anything)."""
    for node in manager.nodes:
        async with node.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)


def create_users_app(manager: ConnectionManager) -> FastAPI:
    """The users API over ``manager`` (nothing is built at import time)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # FastAPI deprecated @app.on_event("startup"/"shutdown") for this: one context manager
        # keeps the setup and its cleanup together, and the cleanup runs even if startup fails.
        yield
        await manager.close()  # dispose every pool when the server stops

    app = FastAPI(title="users on a connection manager", lifespan=lifespan)
    ReadSession = Annotated[AsyncSession, Depends(manager.dependency(read_only=True))]
    WriteSession = Annotated[AsyncSession, Depends(manager.dependency())]

    @app.get(
        "/users/{user_id}", response_model=UserOut, responses={404: {"description": "no such user"}}
    )
    async def get_user(user_id: int, db: ReadSession, response: Response) -> User:
        response.headers["X-Served-By"] = db.info["node"]
        user = await db.scalar(select(User).where(User.id == user_id))
        if user is None:
            raise HTTPException(status_code=404, detail="user not found")
        return user

    @app.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
    async def create_user(body: UserCreate, db: WriteSession, response: Response) -> User:
        response.headers["X-Served-By"] = db.info["node"]
        user = User(name=body.name)
        db.add(user)
        await db.commit()
        return user

    app.include_router(health_router(manager))
    return app
