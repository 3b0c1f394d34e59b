"""The FastAPI routes: enqueue, status, stats (not shadowed), cancel, and 4xx/503 for mistakes;
a token to enqueue, read or cancel, and each caller sees only its own jobs (the admin all)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tarento_lib.auth import AuthConfigurationError, TokenAuthority
from tarento_lib.jobs.api import create_app, create_router
from tarento_lib.virtual_time import run_virtual


async def add(a: int, b: int) -> int:
    return a + b


async def nap(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "rested"


def make_opaque() -> object:
    return object()


TASKS = {"add": add, "nap": nap, "opaque": make_opaque}


def as_(app: Any, identity: str | None) -> httpx.AsyncClient:
    """A client of ``app`` with a development identity's token (``None``: no token)."""
    authority: TokenAuthority = app.state.token_authority
    headers = {"Authorization": f"Bearer {authority.issue_for(identity)}"} if identity else {}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://jobs.test", headers=headers)


@asynccontextmanager
async def running(**options: Any) -> AsyncIterator[FastAPI]:
    """The app with its lifespan running."""
    app = create_app(TASKS, **{"workers": 2, "max_size": 3, **options})
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def api(**options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The running app and an in-memory HTTP client for it (an editor's)."""
    async with running(**options) as app, as_(app, "editor") as client:
        yield client


def on_api(test: Callable[[httpx.AsyncClient], Awaitable[None]]) -> Callable[[], None]:
    """Run an async test body against the app, on virtual time."""

    def run() -> None:
        async def main() -> None:
            async with api() as client:
                await test(client)

        run_virtual(main)

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


def on_app(test: Callable[[FastAPI], Awaitable[None]]) -> Callable[[], None]:
    """Run an async test body with the running app (to make clients of several callers)."""

    def run() -> None:
        async def main() -> None:
            async with running() as app:
                await test(app)

        run_virtual(main)

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


async def wait_done(client: httpx.AsyncClient, job_id: str) -> dict:
    for _ in range(100):
        body = (await client.get(f"/jobs/{job_id}")).json()
        if body["status"] in ("completed", "failed", "cancelled"):
            return body
        await asyncio.sleep(0.5)
    raise AssertionError(f"{job_id} did not finish: {body}")


@on_api
async def test_enqueue_then_read_the_result(client: httpx.AsyncClient) -> None:
    response = await client.post("/jobs", json={"task": "add", "args": [2, 3], "priority": 8})
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    body = await wait_done(client, job_id)
    assert (body["status"], body["result"], body["priority"], body["attempts"]) == (
        "completed",
        5,
        8,
        1,
    )


@on_api
async def test_stats_is_not_shadowed_by_the_job_route_q8_5(client: httpx.AsyncClient) -> None:
    response = await client.get("/jobs/stats")
    assert response.status_code == 200
    assert {
        "workers",
        "queued",
        "running",
        "completed",
        "failed",
        "cancelled",
    } <= response.json().keys()


@on_api
async def test_unknown_job_is_a_json_404_q8_6(client: httpx.AsyncClient) -> None:
    for method in (client.get, client.delete):
        response = await method("/jobs/does-not-exist")
        assert (response.status_code, response.json()) == (404, {"detail": "Job not found"})


@on_api
async def test_cancel_over_http(client: httpx.AsyncClient) -> None:
    job_id = (await client.post("/jobs", json={"task": "nap", "args": [30]})).json()["job_id"]
    response = await client.delete(f"/jobs/{job_id}")
    assert response.json() == {"job_id": job_id, "cancelled": True, "status": "cancelled"}
    assert (await client.delete(f"/jobs/{job_id}")).json()["cancelled"] is False


@on_api
async def test_full_queue_is_503_with_retry_after_q8_9(client: httpx.AsyncClient) -> None:
    codes = [
        (await client.post("/jobs", json={"task": "nap", "args": [30]})).status_code
        for _ in range(3)
    ]
    await asyncio.sleep(1)  # the two workers take two of them: two slots free again
    codes += [
        (await client.post("/jobs", json={"task": "nap", "args": [30]})).status_code
        for _ in range(2)
    ]
    assert codes == [202] * 5
    rejected = await client.post("/jobs", json={"task": "nap", "args": [30]})
    assert rejected.status_code == 503 and rejected.headers["retry-after"] == "1"
    assert (await client.get("/jobs/stats")).json()["submitted"] == 5


@pytest.mark.parametrize(
    "body",
    [
        {"task": "rm -rf"},
        {"task": "add", "priority": 0},
        {"task": "add", "priority": 11},
        {"task": "add", "timeout": -1},
        {"task": "add", "kwargs": {"priority": 3}},
        {"args": [1]},
        {"task": "add", "args": "not a list"},
    ],
)
def test_bad_requests_are_422_with_json(body: dict) -> None:
    @on_api
    async def check(client: httpx.AsyncClient) -> None:
        response = await client.post("/jobs", json=body)
        assert response.status_code == 422 and "detail" in response.json()

    check()


@on_api
async def test_failed_and_unserialisable_results_are_reported_not_500(
    client: httpx.AsyncClient,
) -> None:
    failing = (
        await client.post("/jobs", json={"task": "add", "args": [1], "max_retries": 0})
    ).json()["job_id"]
    opaque = (await client.post("/jobs", json={"task": "opaque"})).json()["job_id"]
    failed = await wait_done(client, failing)
    assert failed["status"] == "failed" and failed["error"].startswith("TypeError")
    assert (await wait_done(client, opaque))["result"].startswith("<object object")


def test_route_order_puts_stats_first() -> None:
    router = create_router(lambda request: None, TASKS)
    paths = [route.path for route in router.routes]
    assert paths.index("/jobs/stats") < paths.index("/jobs/{job_id}")


# --- who may enqueue, read and cancel


@on_app
async def test_enqueue_read_and_cancel_need_a_token(app: FastAPI) -> None:
    async with as_(app, "editor") as editor, as_(app, None) as anonymous:
        job_id = (await editor.post("/jobs", json={"task": "nap", "args": [30]})).json()["job_id"]
        answers = [
            await anonymous.post("/jobs", json={"task": "add", "args": [1, 2]}),
            await anonymous.get(f"/jobs/{job_id}"),
            await anonymous.delete(f"/jobs/{job_id}"),
        ]
        stats = await anonymous.get("/jobs/stats")
        assert (await editor.get(f"/jobs/{job_id}")).json()["status"] != "cancelled"
    assert [r.status_code for r in answers] == [401, 401, 401]
    assert all(r.headers["www-authenticate"].startswith("Bearer") for r in answers)
    assert all(isinstance(r.json()["detail"], str) for r in answers)
    assert stats.status_code == 200 and stats.json()["submitted"] == 1  # counts only, public


@on_app
async def test_a_caller_sees_and_cancels_only_its_own_jobs(app: FastAPI) -> None:
    async with as_(app, "editor") as owner, as_(app, "reviewer") as other:
        mine = (await owner.post("/jobs", json={"task": "nap", "args": [30]})).json()["job_id"]
        theirs = (await other.post("/jobs", json={"task": "nap", "args": [30]})).json()["job_id"]
        for response in (await other.get(f"/jobs/{mine}"), await other.delete(f"/jobs/{mine}")):
            assert (response.status_code, response.json()) == (404, {"detail": "Job not found"})
        assert (await other.get(f"/jobs/{theirs}")).status_code == 200
        assert (await owner.get(f"/jobs/{theirs}")).status_code == 404
        assert (await owner.get(f"/jobs/{mine}")).json()["status"] != "cancelled"
        assert (await owner.delete(f"/jobs/{mine}")).json()["cancelled"] is True


@on_app
async def test_an_admin_reads_and_cancels_any_job(app: FastAPI) -> None:
    async with as_(app, "editor") as editor, as_(app, "admin") as admin:
        job_id = (await editor.post("/jobs", json={"task": "nap", "args": [30]})).json()["job_id"]
        assert (await admin.get(f"/jobs/{job_id}")).status_code == 200
        assert (await admin.delete(f"/jobs/{job_id}")).json()["cancelled"] is True


def test_the_job_api_refuses_development_credentials_in_production() -> None:
    with pytest.raises(AuthConfigurationError):
        create_app(TASKS, production=True)
    assert create_app(TASKS, production=False).state.token_authority.is_development


def test_openapi_declares_the_bearer_scheme_on_the_guarded_routes() -> None:
    spec = create_app(TASKS).openapi()
    guarded = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == [{"bearer": []}]
    }
    assert guarded == {("post", "/jobs"), ("get", "/jobs/{job_id}"), ("delete", "/jobs/{job_id}")}
    assert all("401" in spec["paths"][path][method]["responses"] for method, path in guarded)
