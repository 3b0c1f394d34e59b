"""The timing_decorator suite: the reference passes, the usual versions fail where they should."""

from __future__ import annotations

import functools
import inspect
import logging
import time

from tarento_lib.lab import run_suite
from tarento_lib.patterns.conformance import SUITES
from tarento_lib.patterns.timing import log_execution_time

SUITE = SUITES["timing_decorator"]
LOG = logging.getLogger("tests.patterns.candidate")


def async_only(func):
    """The usual version: always an async wrapper, eager f-string logging."""

    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = await func(*args, **kwargs)
        LOG.info(f"{func.__name__} took {time.perf_counter() - start:.3f}s")
        return result

    return wrapper


def both_kinds_but_eager(func):
    """Right shape, but formats the message before logging."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def awrapper(*args, **kwargs):
            result = await func(*args, **kwargs)
            LOG.info(f"{func.__name__} done")
            return result

        return awrapper

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        LOG.info(f"{func.__name__} done")
        return result

    return wrapper


def failed(candidate) -> set[str]:
    return {r.name for r in run_suite(candidate, SUITE).failed}


def test_reference_passes_every_case() -> None:
    card = run_suite(log_execution_time, SUITE)
    assert card.ok, card.render()


def test_async_only_version_fails_where_it_should() -> None:
    assert failed(async_only) == {
        "a plain function stays plain",
        "errors reach the caller unchanged",
        "logs one record per call",
        "logs with lazy arguments",
    }


def test_eager_logging_is_caught() -> None:
    assert failed(both_kinds_but_eager) == {"logs with lazy arguments"}


def test_grading_leaves_logging_as_it_was() -> None:
    root = logging.getLogger()
    before = (root.level, root.handlers[:])
    run_suite(async_only, SUITE)
    assert (root.level, root.handlers) == before
