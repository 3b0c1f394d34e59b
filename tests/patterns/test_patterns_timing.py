"""log_execution_time on plain and async functions: values, errors, metadata, lazy logging."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest

from tarento_lib.patterns.timing import log_execution_time


class StepTimer:
    """A fake timer: every reading is 0.25 s after the previous one."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.25
        return self.now


LOG = logging.getLogger("tests.patterns.timing")


def test_a_plain_function_stays_plain(caplog) -> None:
    """Pitfall PAT-2: the decorated sync function returns its value, not a coroutine."""

    @log_execution_time(logger=LOG, timer=StepTimer())
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with caplog.at_level(logging.INFO, logger=LOG.name):
        assert add(1, 2) == 3
    assert not inspect.iscoroutinefunction(add)
    assert caplog.records[0].getMessage().endswith("add took 0.250000 s")


def test_an_async_function_stays_async(caplog) -> None:
    @log_execution_time(logger=LOG, timer=StepTimer())
    async def fetch(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    assert inspect.iscoroutinefunction(fetch)
    with caplog.at_level(logging.INFO, logger=LOG.name):
        assert asyncio.run(fetch(21)) == 42
    assert "fetch took 0.250000 s" in caplog.text


def test_metadata_is_kept() -> None:
    def original(a: int) -> int:
        """Docs."""
        return a

    wrapped = log_execution_time(original)
    assert (wrapped.__name__, wrapped.__doc__, wrapped.__wrapped__) == (
        "original",
        "Docs.",
        original,
    )
    assert inspect.signature(wrapped) == inspect.signature(original)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_errors_propagate_and_are_logged(kind: str, caplog) -> None:
    def boom() -> None:
        raise ValueError("bad")

    async def aboom() -> None:
        raise ValueError("bad")

    wrapped = log_execution_time(boom if kind == "sync" else aboom, logger=LOG, timer=StepTimer())
    with caplog.at_level(logging.INFO, logger=LOG.name), pytest.raises(ValueError, match="bad"):
        result = wrapped()
        if kind == "async":
            asyncio.run(result)
    assert caplog.records[0].levelno == logging.ERROR
    assert "failed after 0.250000 s: ValueError('bad')" in caplog.text


def test_logging_is_lazy() -> None:
    """The message is a format string with arguments; nothing is formatted when the level is off."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("tests.patterns.timing.lazy")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        log_execution_time(lambda: None, logger=logger, timer=StepTimer())()
    finally:
        logger.removeHandler(handler)
    assert records[0].msg == "%s took %.6f s" and records[0].args[1] == 0.25


def test_level_is_respected(caplog) -> None:
    quiet = log_execution_time(lambda: 1, logger=LOG, level=logging.DEBUG)
    with caplog.at_level(logging.INFO, logger=LOG.name):
        assert quiet() == 1
    assert caplog.records == []


def test_generators_and_bad_arguments_are_refused() -> None:
    def gen():
        yield 1

    with pytest.raises(TypeError, match="generator"):
        log_execution_time(gen)
    with pytest.raises(TypeError, match="timer"):
        log_execution_time(timer=3)
    with pytest.raises(TypeError, match="level"):
        log_execution_time(level="INFO")
    with pytest.raises(TypeError, match="decorates a function"):
        log_execution_time()(42)
