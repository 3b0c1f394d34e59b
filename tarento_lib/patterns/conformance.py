"""The ``timing_decorator`` suite: grades a reader's ``log_execution_time(func)`` (Q11's exercise).

The contract: decorating a plain function gives a plain function, an async one an async one;
return values, exceptions and metadata (``functools.wraps``) survive; every call logs one record
through :mod:`logging` with lazy arguments (``logger.info("%s took %.3f s", name, seconds)``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tarento_lib.grading import Case, Steps, Suite
from tarento_lib.grading.values import show

__all__ = ["SUITES"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _captured() -> Iterator[list[logging.LogRecord]]:
    """Collect (and keep to ourselves) every record reaching the root logger, at DEBUG level."""
    root, handler = logging.getLogger(), _Collect()
    old_level, old_handlers = root.level, root.handlers[:]
    root.handlers = [handler]
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.handlers = old_handlers
        root.setLevel(old_level)


def _settled(value: Any) -> Any:
    """Close a coroutine nobody will await (a wrong wrapper returned it), so no warning leaks."""
    if inspect.iscoroutine(value):
        value.close()
    return value


def _quiet(case: Any) -> Any:
    """Run a case with logging captured, so the candidate's log lines do not reach the notebook."""

    def run(deco: Any, steps: Steps) -> None:
        with _captured():
            case(deco, steps)

    return run


def _add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def _double(x: int) -> int:
    await asyncio.sleep(0)
    return 2 * x


def _sync_stays_sync(deco: Any, steps: Steps) -> None:
    wrapped = deco(_add)
    got = _settled(steps.call(_Named(wrapped, "add"), "add", 1, 2))
    steps.expect(got, "decorated add(1, 2)")
    steps.expect(inspect.iscoroutinefunction(wrapped), "is the decorated plain function async?")


def _async_stays_async(deco: Any, steps: Steps) -> None:
    wrapped = deco(_double)
    steps.expect(inspect.iscoroutinefunction(wrapped), "is the decorated async function async?")
    steps.expect(asyncio.run(wrapped(21)), "await decorated double(21)")


def _keeps_metadata(deco: Any, steps: Steps) -> None:
    wrapped = deco(_add)
    steps.expect((wrapped.__name__, wrapped.__doc__), "__name__ and __doc__")
    steps.expect(
        getattr(wrapped, "__wrapped__", None) is _add, "__wrapped__ points at the original"
    )


def _errors_propagate(deco: Any, steps: Steps) -> None:
    error = ValueError("bad input")

    def fails() -> None:
        raise error

    async def afails() -> None:
        raise error

    caught: list[BaseException] = []

    def call() -> None:
        try:
            _settled(deco(fails)())
        except Exception as exc:
            caught.append(exc)
            raise

    steps.expect_raises(ValueError, call, "decorated fails()")
    steps.expect(
        len(caught) == 1 and caught[0] is error, "the very same exception object reaches the caller"
    )
    steps.expect_raises(ValueError, lambda: asyncio.run(deco(afails)()), "await decorated afails()")


def _logs_each_call(deco: Any, steps: Steps) -> None:
    wrapped = deco(_add)
    with _captured() as records:
        _settled(wrapped(1, 2))
        _settled(wrapped(3, 4))
    mine = [r for r in records if "_add" in r.getMessage()]
    steps.note(f"records mentioning _add: {[r.getMessage() for r in mine]}")
    steps.expect(len(mine), "log records for two calls")


def _logs_lazily(deco: Any, steps: Steps) -> None:
    wrapped = deco(_add)
    with _captured() as records:
        _settled(wrapped(1, 2))
    mine = [r for r in records if "_add" in r.getMessage()]
    steps.expect_true(bool(mine), "a log record mentions _add")
    steps.note(f"record.msg = {show(mine[0].msg)}, record.args = {show(mine[0].args)}")
    steps.expect_true(
        bool(mine[0].args),
        "the record carries its arguments (an f-string formats the message before logging)",
    )


class _Named:
    """Lets ``steps.call`` show the call under a readable name."""

    def __init__(self, fn: Any, name: str) -> None:
        setattr(self, name, fn)


def _reference() -> Any:
    from tarento_lib.patterns.timing import log_execution_time

    return log_execution_time


SUITES: dict[str, Suite] = {
    "timing_decorator": Suite(
        name="timing_decorator",
        title="log_execution_time for plain and async functions",
        kind="function",
        reference=_reference,
        cases=(
            Case(
                "a plain function stays plain",
                _quiet(_sync_stays_sync),
                "Check inspect.iscoroutinefunction(func) "
                "and return a plain wrapper for plain functions.",
            ),
            Case(
                "an async function stays async",
                _quiet(_async_stays_async),
                "Async functions get an `async def` wrapper that awaits.",
            ),
            Case(
                "keeps the name and docstring",
                _quiet(_keeps_metadata),
                "Decorate each wrapper with @functools.wraps(func).",
            ),
            Case(
                "errors reach the caller unchanged",
                _quiet(_errors_propagate),
                "Log in an except block, then `raise` (bare) the same error.",
            ),
            Case(
                "logs one record per call",
                _logs_each_call,
                "One logger call per call of the function, naming it.",
            ),
            Case(
                "logs with lazy arguments",
                _logs_lazily,
                "logger.info('%s took %.3f s', name, seconds), not an f-string.",
            ),
        ),
    )
}
