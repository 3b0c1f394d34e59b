"""The ``timing_decorator`` suite: grades a reader's ``log_execution_time(func)`` (Q11's exercise).

The contract: decorating a plain function gives a plain function, an async one an async one;
return values, exceptions and metadata (``functools.wraps``) survive; every call logs one record
through :mod:`logging` with lazy arguments (``logger.info("%s took %.3f s", name, seconds)``).

``INTERVIEWS`` is the mock interview: a plain function first, then metadata, async functions
and failed or cancelled calls, each with cases of its own.
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
from tarento_lib.interview.plan import Interview, Stage

__all__ = ["INTERVIEWS", "SUITES"]


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


PLAIN = Case(
    "a plain function stays plain",
    _quiet(_sync_stays_sync),
    "Check inspect.iscoroutinefunction(func) and return a plain wrapper for plain functions.",
)
ASYNC = Case(
    "an async function stays async",
    _quiet(_async_stays_async),
    "Async functions get an `async def` wrapper that awaits.",
)
METADATA = Case(
    "keeps the name and docstring",
    _quiet(_keeps_metadata),
    "Decorate each wrapper with @functools.wraps(func).",
)
ERRORS = Case(
    "errors reach the caller unchanged",
    _quiet(_errors_propagate),
    "Log in an except block, then `raise` (bare) the same error.",
)
EACH_CALL = Case(
    "logs one record per call",
    _logs_each_call,
    "One logger call per call of the function, naming it.",
)
LAZY = Case(
    "logs with lazy arguments",
    _logs_lazily,
    "logger.info('%s took %.3f s', name, seconds), not an f-string.",
)

SUITES: dict[str, Suite] = {
    "timing_decorator": Suite(
        name="timing_decorator",
        title="log_execution_time for plain and async functions",
        kind="function",
        reference=_reference,
        cases=(PLAIN, ASYNC, METADATA, ERRORS, EACH_CALL, LAZY),
    )
}


# -- the mock interview: the core question, then the follow-ups in the order they come ----------


def _fetch_user(user_id: int, *, fresh: bool = False) -> dict[str, Any]:
    """Load one user."""
    return {"id": user_id, "fresh": fresh}


_fetch_user.route = "/users/{user_id}"  # an attribute a web framework might have set


def _divide(a: float, b: float) -> float:
    return a / b


async def _refuse() -> None:
    await asyncio.sleep(0)
    raise ConnectionError("connection reset")


async def _wait_forever() -> None:
    await asyncio.Event().wait()


def _mentioning(records: list[logging.LogRecord], name: str) -> int:
    return sum(name in record.getMessage() for record in records)


def _keeps_signature(deco: Any, steps: Steps) -> None:
    wrapped = deco(_fetch_user)
    steps.note("fetch_user = log_execution_time(_fetch_user)")
    steps.expect(
        list(inspect.signature(wrapped).parameters),
        "the parameters inspect.signature finds on decorated _fetch_user",
    )
    steps.expect(
        (wrapped.__qualname__, wrapped.__module__, getattr(wrapped, "route", None)),
        "__qualname__, __module__ and the function's own attribute `route`",
    )
    got = _settled(steps.call(_Named(wrapped, "fetch_user"), "fetch_user", 7, fresh=True))
    steps.expect(got, "decorated fetch_user(7, fresh=True): keyword arguments pass through")


def _async_logs_after_await(deco: Any, steps: Steps) -> None:
    wrapped = deco(_double)
    steps.note("double = log_execution_time(_double); pending = double(21)")
    with _captured() as records:
        pending = wrapped(21)
        before = _mentioning(records, "_double")
        steps.expect(before, "records after calling decorated double(21), before awaiting it")
        value = asyncio.run(_awaited(pending)) if inspect.isawaitable(pending) else pending
        steps.expect(value, "await decorated double(21)")
        once = _mentioning(records, "_double")
        steps.expect(once, "records once it was awaited")

        async def two() -> list[int]:
            return list(await asyncio.gather(wrapped(1), wrapped(2)))

        steps.expect(asyncio.run(two()), "gather(double(1), double(2))")
        steps.expect(_mentioning(records, "_double") - once, "records for those two calls")


async def _awaited(pending: Any) -> Any:
    return await pending


def _failure_logged(deco: Any, steps: Steps) -> None:
    divide, refuse = deco(_divide), deco(_refuse)
    steps.note("divide = log_execution_time(_divide); refuse = log_execution_time(_refuse)")
    with _captured() as records:
        steps.expect_raises(ZeroDivisionError, lambda: _settled(divide(1, 0)), "divide(1, 0)")
        steps.expect(_mentioning(records, "_divide"), "records for a call that raised")
        steps.expect_raises(ConnectionError, lambda: asyncio.run(refuse()), "await refuse()")
        steps.expect(_mentioning(records, "_refuse"), "records for an async call that raised")


def _cancelled_logged(deco: Any, steps: Steps) -> None:
    wrapped = deco(_wait_forever)

    async def cancel_it() -> str:
        task = asyncio.ensure_future(wrapped())
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"
        return "finished"

    steps.note("task = asyncio.ensure_future(decorated _wait_forever()); task.cancel()")
    with _captured() as records:
        steps.expect(asyncio.run(cancel_it()), "how the cancelled task ended")
        steps.expect(
            _mentioning(records, "_wait_forever"),
            "records for the cancelled call (a BaseException)",
        )


SIGNATURE = Case(
    "keeps the signature and attributes",
    _quiet(_keeps_signature),
    "functools.wraps also sets __wrapped__ (inspect.signature follows it) and copies __dict__.",
)
AFTER_AWAIT = Case(
    "an async call logs once it has finished",
    _async_logs_after_await,
    "Start the clock and log inside the async wrapper, around `await func(...)`.",
)
FAILURES = Case(
    "a call that raises is logged too",
    _failure_logged,
    "Log in `finally`, so a failed call is timed too.",
)
CANCELLED = Case(
    "a cancelled call is logged too",
    _cancelled_logged,
    "CancelledError is a BaseException: `except Exception` misses it, `finally` does not.",
)

_STUB = '''"""Q11 · A decorator that logs how long each call takes. Stage 1: plain functions."""


def log_execution_time(func):
    raise NotImplementedError
'''

INTERVIEWS = {
    "q11": Interview(
        number="q11",
        brief=(
            "Write a decorator, log_execution_time, that logs how long each call of a function "
            "took. We use it on plain functions and on async ones, in a FastAPI service. Show "
            "me the code you would put in review, not just code that works."
        ),
        clarifications=(
            "Log through the logging module at INFO (any logger); a record names the function "
            "and the seconds the call took.",
            "The decorated function must behave exactly like the original: same result, same "
            "exceptions, same kind of function.",
            "Measure with time.perf_counter(): the wall clock can jump.",
            "Use it bare, as @log_execution_time; no arguments are needed.",
        ),
        stub=_STUB,
        stages=(
            Stage(
                "time a plain function",
                "Write log_execution_time(func). The decorated function returns what func "
                "returns, and every call logs one record naming the function and the seconds "
                "it took, with the values as logging arguments "
                "(logger.info('%s took %.3f s', name, seconds)), not an f-string.",
                (PLAIN, EACH_CALL, LAZY),
                (
                    "A decorator is a function that takes func and returns a wrapper that "
                    "calls it.",
                    "Take time.perf_counter() before and after the call; name the function by "
                    "func.__qualname__.",
                    "logging formats '%s' arguments only if a handler wants the record: an "
                    "f-string pays for the formatting every time.",
                ),
                8,
                "The interview answer",
            ),
            Stage(
                "keep the name, docstring and signature",
                "help() on a decorated function shows 'wrapper(*args, **kwargs)'. Make the "
                "decorated function keep the original's __name__, __qualname__, __doc__, "
                "__module__, its signature and its own attributes, and pass keyword arguments "
                "through.",
                (METADATA, SIGNATURE),
                (
                    "The standard library has a decorator for exactly this job.",
                    "@functools.wraps(func) on the wrapper copies the metadata and sets "
                    "__wrapped__, which inspect.signature follows.",
                ),
                4,
                "The decorator",
            ),
            Stage(
                "async functions too",
                "Now decorate an async def. The result must still be an async function: "
                "awaiting it gives the value, and the record comes once the await has "
                "finished, one per call, also when calls run concurrently.",
                (ASYNC, AFTER_AWAIT),
                (
                    "A plain wrapper around an async function returns the coroutine at once: "
                    "it times nothing.",
                    "inspect.iscoroutinefunction(func) tells you which kind you got; write an "
                    "`async def` wrapper that awaits func, and keep the plain one for plain "
                    "functions.",
                    "Do not wrap every function in `async def`: plain callers would get a "
                    "coroutine instead of their value.",
                ),
                7,
                "An `async def` wrapper for every function",
            ),
            Stage(
                "a call that fails",
                "What happens when the function raises? The caller must get the very same "
                "exception, and the call must still be logged, once. That includes a task "
                "cancelled while it awaits.",
                (ERRORS, FAILURES, CANCELLED),
                (
                    "Slow calls that fail are the ones you most want to see in the log.",
                    "Put the logging in `finally`, and let the exception go on: no `return` in "
                    "`finally`, no new exception.",
                    "asyncio.CancelledError is a BaseException, so `except Exception` does not "
                    "see it; `finally` (or `except BaseException: ...; raise`) does.",
                ),
                6,
                "Rolling back only on `Exception`",
            ),
        ),
        no_probe=(
            "A decorator adds the same constant work to every call; there is no size whose "
            "growth it could get wrong."
        ),
    )
}
