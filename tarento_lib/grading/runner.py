"""The grader's side: run a suite's cases on a candidate in a child process, judge them here.

The candidate never runs in this process (nor in a notebook's kernel): a class or function is
shipped to a fresh ``python -m tarento_lib.grading.child`` by value with cloudpickle, a file is
imported there. Each case has a hard time limit; on expiry the child is killed and a new one
takes the remaining cases. The child sends back what the candidate returned, as built-in values;
the expected values come from running the same cases here on the suite's reference, and the
comparison (:func:`~tarento_lib.grading.values.strict_equal` or a case's :class:`Rule`) runs
here too. So an exit, a crash, an endless loop, a flood of output or a patched grader in the
child can fail cases but never pass one.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarento_lib.grading.cases import Observation, Suite
from tarento_lib.grading.channel import EOF, TIMEOUT, FrameReader
from tarento_lib.grading.child import OUTPUT_KEPT, defined_names
from tarento_lib.grading.scorecard import CaseResult, Scorecard
from tarento_lib.grading.suites import get_suite
from tarento_lib.grading.values import decode, describe_exception, dumps, show

__all__ = ["check", "check_file", "run_suite"]

STARTUP_SECONDS = 120.0  # the child imports the suite's library before any candidate code runs
LOAD_SECONDS = 30.0  # at least this long to import a solution file (it may import a library)
MAX_STEPS_SHOWN = 40
_ROOT = str(Path(__file__).resolve().parents[2])


class _Tampered(Exception):
    """The child sent something the protocol does not allow."""


@dataclass
class _Reference:
    """Expected observations of each case, from the suite's reference (or why there are none)."""

    observations: list[list[Observation] | str]


_REFERENCES: dict[int, tuple[Suite, _Reference]] = {}
_REFERENCES_LOCK = threading.Lock()


def _reference_case(reference: Any, suite: Suite, index: int) -> list[Observation] | str:
    from tarento_lib.grading.cases import CaseFailure, Steps

    steps = Steps()
    try:
        suite.cases[index].run(reference, steps)
    except (CaseFailure, Exception) as exc:
        return f"grader error: the reference failed this case ({describe_exception(exc)})"
    for seen in steps.observations:
        value = decode(seen.value)
        if not seen.rule.accept(value, value):
            return f"grader error: the reference fails {seen.what!r} ({show(value)})"
    return steps.observations


def _reference(suite: Suite) -> _Reference:
    """Run every case on the suite's reference here, once per process and suite."""
    with _REFERENCES_LOCK:
        cached = _REFERENCES.get(id(suite))
        if cached is not None and cached[0] is suite:
            return cached[1]
        if suite.reference is None:
            missing = f"grader error: suite {suite.name!r} names no reference implementation"
            result = _Reference([missing] * len(suite.cases))
        else:
            reference = suite.reference()
            result = _Reference(
                [_reference_case(reference, suite, i) for i in range(len(suite.cases))]
            )
        _REFERENCES[id(suite)] = (suite, result)
        return result


def _judge(suite: Suite, expected: list[Observation] | str, message: Any) -> CaseResult:
    """Compare one case's observations from the child with the reference's, on plain data."""
    case = suite.cases[message[1]]
    _, _, observed, lines, error, output, printed = message
    if not (
        isinstance(observed, list)
        and isinstance(lines, list)
        and all(type(line) is str for line in lines)
        and (error is None or (type(error) is tuple and all(type(p) is str for p in error)))
        and type(output) is str
        and type(printed) is int
    ):
        raise _Tampered("a malformed case result")
    shown = tuple(lines[-MAX_STEPS_SHOWN:])
    if len(lines) > MAX_STEPS_SHOWN:
        shown = (f"... ({len(lines) - MAX_STEPS_SHOWN} earlier steps)", *shown)
    if printed > OUTPUT_KEPT:
        output = f"{output}\n... ({printed:,} characters printed in all; the rest not shown)"

    def result(failure: str | None) -> CaseResult:
        if failure is None:
            return CaseResult(case.name, True)
        return CaseResult(case.name, False, failure, shown, case.hint, output.strip("\n"))

    if isinstance(expected, str):
        return result(expected)
    for seen, wanted in zip(observed, expected, strict=False):
        if type(seen) is not tuple or len(seen) != 2 or type(seen[0]) is not str:
            raise _Tampered("a malformed observation")
        if seen[0] != wanted.what:
            return result(f"checked {seen[0]!r} where the case checks {wanted.what!r}")
        try:
            got, reference = decode(seen[1]), decode(wanted.value)
            accepted = wanted.rule.accept(got, reference)
        except (TypeError, ValueError, ArithmeticError):
            accepted = False
        if accepted is not True:
            return result(wanted.rule.failure(wanted.what, got, reference))
    if error is not None:
        return result(error[1])
    if len(observed) != len(expected):
        return result(
            f"made {len(observed)} of the case's {len(expected)} checks and no error: "
            "the grader in the child process was changed"
        )
    return result(None)


def _spawn() -> subprocess.Popen[bytes]:
    """A fresh child: it imports the grader, then waits for its request on stdin."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_ROOT, *sys.path])}
    return subprocess.Popen(
        [sys.executable, "-m", "tarento_lib.grading.child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # a Ctrl-C in the terminal reaches the grader, not the child
    )


_SPARE: list[subprocess.Popen[bytes]] = []  # one started child, kept for the next grading
_SPARE_LOCK = threading.Lock()


def _started_child(use_spare: bool) -> subprocess.Popen[bytes]:
    """The spare child if it is still waiting (it has run nothing yet), else a new one."""
    with _SPARE_LOCK:
        spare = _SPARE.pop() if _SPARE else None
    if spare is not None and use_spare and spare.poll() is None:
        return spare
    if spare is not None:
        _end(spare)
    return _spawn()


def _keep_a_spare() -> None:
    """Start the next grading's child now, so a notebook's next ``check`` starts at once.

    It has loaded no candidate: every grading still gets a process nobody has touched. When
    this process ends, the spare reads the end of its input and ends too.
    """
    with _SPARE_LOCK:
        if not _SPARE:
            _SPARE.append(_spawn())
            _drop_spare_at_exit()


@functools.cache
def _drop_spare_at_exit() -> None:
    atexit.register(_drop_spare)


def _drop_spare() -> None:
    """At exit: end the spare child and close its pipes."""
    with _SPARE_LOCK:
        while _SPARE:
            _end(_SPARE.pop())


def _end(process: subprocess.Popen[bytes]) -> None:
    """End a child and anything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


class _Child:
    """One child process running cases ``start..`` of a suite on the candidate."""

    def __init__(self, request: dict[str, Any], start: int, *, use_spare: bool) -> None:
        import cloudpickle

        payload = dumps((list(sys.path), cloudpickle.dumps({**request, "start": start})))
        self.process = _started_child(use_spare)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.reader = FrameReader(self.process.stdout.fileno())
        try:
            self.process.stdin.write(payload)
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    def read(self, seconds: float) -> Any:
        """The next message; ``TIMEOUT``, ``EOF``, or ``_Tampered`` for bytes that are no frame."""
        try:
            return self.reader.read(time.monotonic() + seconds)
        except ValueError as exc:
            return _Tampered(str(exc))

    def ended(self) -> str:
        """How the child ended: its exit status or the signal that ended it."""
        code = self.process.wait()
        return f"signal {-code}" if code < 0 else f"exit status {code}"

    def kill(self) -> None:
        _end(self.process)


def _grade(
    suite: Suite,
    request: dict[str, Any],
    timeout: float,
    *,
    spare: bool,
    limit: float | None = None,
) -> Scorecard:
    card = Scorecard(suite.name)
    deadline = None if limit is None else time.monotonic() + limit
    reference: list[_Reference] = []

    def run_reference() -> None:
        try:
            reference.append(_reference(suite))
        except Exception as exc:  # reported on every case: the grader, not the candidate, broke
            error = f"grader error: the reference could not run ({describe_exception(exc)})"
            reference.append(_Reference([error] * len(suite.cases)))

    worker = threading.Thread(target=run_reference, daemon=True)
    worker.start()  # the reference runs here while the child starts
    results: list[CaseResult] = []
    while len(results) < len(suite.cases) and not card.problem:
        if deadline is not None and time.monotonic() >= deadline:
            card.problem = f"stopped after {limit:g} s in all; the cases left did not run"
            break
        child = _Child(request, len(results), use_spare=spare)
        try:
            card.problem = _run_child(child, suite, timeout, worker, reference, results, deadline)
        finally:
            child.kill()
    results += [CaseResult(case.name, False) for case in suite.cases[len(results) :]]
    card.results = results
    if spare:
        _keep_a_spare()
    return card


def _run_child(
    child: _Child,
    suite: Suite,
    timeout: float,
    worker: threading.Thread,
    reference: list[_Reference],
    results: list[CaseResult],
    deadline: float | None = None,
) -> str:
    """Collect results from one child into ``results``; return a problem that stops grading."""
    what = "your code"
    for expected, seconds in (("ready", STARTUP_SECONDS), ("loaded", max(timeout, LOAD_SECONDS))):
        message = child.read(seconds)
        if message is TIMEOUT:
            return f"loading {what} did not finish within {seconds:g} s"
        if message is EOF:
            return f"the grader's process ended while loading {what} ({child.ended()})"
        if isinstance(message, _Tampered):
            return f"the grader's channel was tampered with while loading {what}: {message}"
        if type(message) is tuple and message[:1] in (("load_error",), ("broken",)):
            return str(message[1])
        if message != (expected,):
            return "the grader's process sent an unexpected message while loading"
    while len(results) < len(suite.cases):
        index, name = len(results), suite.cases[len(results)].name
        seconds = timeout if deadline is None else min(timeout, deadline - time.monotonic())
        message = child.read(max(seconds, 0.0))
        if message is TIMEOUT or message is EOF:
            if message is EOF:
                why = f"the process running it ended during the case ({child.ended()})"
            elif seconds < timeout:
                why = "stopped when the time for the whole check ran out"
            else:
                why = (
                    f"did not finish within {timeout:g} s (an endless loop or a deadlock?); stopped"
                )
            results.append(CaseResult(name, False, why, (), suite.cases[index].hint))
            return ""
        worker.join()
        try:
            if isinstance(message, _Tampered):
                raise message
            if type(message) is not tuple or message[:2] != ("case", index) or len(message) != 7:
                raise _Tampered("an unexpected message")
            results.append(_judge(suite, reference[0].observations[index], message))
        except _Tampered as exc:
            results.append(
                CaseResult(name, False, f"the grader's channel was tampered with: {exc}")
            )
            return ""
    return ""


def _request_suite(suite: Suite) -> Suite | str:
    try:
        return suite.name if get_suite(suite.name) is suite else suite
    except KeyError:
        return suite


def _chosen(suite: str | Suite) -> Suite:
    return get_suite(suite) if isinstance(suite, str) else suite


def run_suite(candidate: Any, suite: str | Suite, *, timeout: float = 10.0) -> Scorecard:
    """Grade ``candidate`` in a child process and return the scorecard (prints nothing)."""
    chosen = _chosen(suite)
    if chosen.kind == "class" and not isinstance(candidate, type):
        raise TypeError(
            f"suite {chosen.name!r} grades a class; pass the class itself, not {show(candidate)}"
        )
    if chosen.kind == "function" and not callable(candidate):
        raise TypeError(
            f"suite {chosen.name!r} grades a function; {show(candidate)} is not callable"
        )
    import cloudpickle

    try:
        shipped = cloudpickle.dumps(candidate)
    except Exception as exc:
        card = Scorecard(chosen.name, [CaseResult(c.name, False) for c in chosen.cases])
        card.problem = (
            f"could not send your code to the grader's process: {describe_exception(exc)}"
        )
        return card
    request = {"suite": _request_suite(chosen), "candidate": shipped, "file": None}
    return _grade(chosen, request, timeout, spare=True)


def check(candidate: Any, suite: str | Suite, *, timeout: float = 10.0) -> Scorecard:
    """Grade ``candidate`` with the named suite and print a scorecard: ✓/✗ per case, with replay."""
    card = run_suite(candidate, suite, timeout=timeout)
    print(card.render())
    return card


def check_file(
    path: Path,
    suite: str | Suite,
    *,
    name: str | None = None,
    timeout: float = 10.0,
    limit: float | None = None,
) -> Scorecard:
    """Grade the class or function ``name`` of a file (the only one it defines when not named).

    ``timeout`` bounds each case; ``limit``, when given, bounds the whole grading: once it is
    spent, the cases left are not run (the mock interview's time limit per stage).

    The file is read here only to find the name; it is imported in the child process.
    Raises ``LookupError`` when the file does not define exactly one candidate.
    """
    chosen = _chosen(suite)
    if name is None:
        found = defined_names(path, chosen.kind)
        if len(found) != 1:
            listed = ", ".join(found) or "none"
            raise LookupError(f"expected one {chosen.kind} in {path}, found {listed}")
        name = found[0]
    request = {"suite": _request_suite(chosen), "candidate": None, "file": (str(path), name)}
    return _grade(chosen, request, timeout, spare=False, limit=limit)
