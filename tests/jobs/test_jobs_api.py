"""The FastAPI routes: enqueue, status, stats (not shadowed), cancel, and 4xx/503 for mistakes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

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


@asynccontextmanager
async def api(**options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan running, and an in-memory HTTP client for it."""
    app = create_app(TASKS, **{"workers": 2, "max_size": 3, **options})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jobs.test") as client:
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
