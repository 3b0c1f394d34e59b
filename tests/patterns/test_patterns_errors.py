"""The error hierarchy, translate_errors (BP-2), the FastAPI mapping, and clean imports (BP-1)."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tarento_lib.patterns.demo import Base, create_app
from tarento_lib.patterns.engine import create_engine, session_factory
from tarento_lib.patterns.errors import (
    AppError,
    Conflict,
    InternalError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    translate_errors,
)
from tarento_lib.patterns.http import install_error_handlers
from tarento_lib.review.lint import undefined_names

ROOT = Path(__file__).resolve().parents[2]


def test_every_error_has_a_distinct_code_and_status() -> None:
    classes = [InvalidInput, NotFound, Conflict, ServiceUnavailable, InternalError]
    assert len({c.code for c in classes}) == len(classes)
    assert [c.status for c in classes] == [422, 404, 409, 503, 500]
    error = NotFound("no such user", details={"id": 7})
    assert error.to_dict() == {"code": "not_found", "message": "no such user", "details": {"id": 7}}
    with pytest.raises(ValueError, match="message"):
        AppError("")


def test_domain_errors_pass_through_unchanged() -> None:
    """Pitfall BP-2: the application's own error keeps its code and details."""
    original = Conflict("quota exceeded", details={"limit": 10})
    with pytest.raises(Conflict) as caught, translate_errors():
        raise original
    assert caught.value is original and caught.value.details == {"limit": 10}


@pytest.mark.parametrize(
    ("low", "expected"),
    [
        (ConnectionError("refused"), ServiceUnavailable),
        (TimeoutError(), ServiceUnavailable),
        (ValueError("bad"), InvalidInput),
        (ZeroDivisionError(), InternalError),
    ],
)
def test_wrappers_chain_the_original(low: Exception, expected: type[AppError]) -> None:
    """Pitfall BP-2: every wrapper keeps the original as ``__cause__`` (``raise ... from``)."""
    with pytest.raises(expected) as caught, translate_errors(what="loading"):
        raise low
    assert caught.value.__cause__ is low
    assert caught.value.message.startswith("loading failed")


def test_cancellation_is_never_wrapped() -> None:
    with pytest.raises(asyncio.CancelledError), translate_errors():
        raise asyncio.CancelledError


@pytest_asyncio.fixture
async def client(tmp_path: Path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    app = create_app(session_factory(engine))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://lab") as http:
        yield http
    await engine.dispose()


@pytest.mark.asyncio
async def test_http_mapping(client: httpx.AsyncClient) -> None:
    created = await client.post("/candidates", json={"email": "a@example.org", "name": "Asha"})
    assert created.status_code == 201 and created.json()["id"] == 1
    assert (await client.get("/candidates/1")).json()["name"] == "Asha"
    missing = await client.get("/candidates/9")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    duplicate = await client.post("/candidates", json={"email": "a@example.org", "name": "Again"})
    assert (duplicate.status_code, duplicate.json()["error"]["code"]) == (409, "conflict")
    invalid = await client.post("/candidates", json={"email": "nope", "name": ""})
    assert (invalid.status_code, invalid.json()["error"]["code"]) == (422, "invalid_input")
    assert (await client.get("/candidates", params={"page": 0})).status_code == 422
    assert (await client.get("/candidates")).json()["total"] == 1


@pytest.mark.asyncio
async def test_unexpected_errors_are_500_without_internals(
    client: httpx.AsyncClient, caplog
) -> None:
    response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "internal error", "details": {}}
    }
    assert "secret internals" in caplog.text  # logged for us, not shown to the client


def test_install_needs_a_fastapi_app() -> None:
    with pytest.raises(TypeError, match="FastAPI"):
        install_error_handlers(object())


def test_modules_define_everything_they_use() -> None:
    """Pitfall BP-1 / Q10-1 / Q10-2: no undefined global anywhere,
    except the two kept on purpose."""
    modules = [
        importlib.import_module(f"tarento_lib.{pkg}.{path.stem}")
        for pkg in ("patterns", "review")
        for path in sorted((ROOT / "tarento_lib" / pkg).glob("[!_]*.py"))
    ]
    found = {m.__name__: undefined_names(m) for m in modules if undefined_names(m)}
    assert found == {"tarento_lib.review.suggested": ["json", "logger"]}


def test_undefined_names_sees_inside_functions_and_classes(tmp_path: Path) -> None:
    path = tmp_path / "snippet_for_lint.py"
    path.write_text(
        "import os\ndef f():\n    return os.sep, Optional, len\nclass C:\n    def g(self):\n       "
        " return Dict\n"
    )
    spec = importlib.util.spec_from_file_location("snippet_for_lint", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert undefined_names(module) == ["Dict", "Optional"]
    with pytest.raises(TypeError, match="module"):
        undefined_names("os")
