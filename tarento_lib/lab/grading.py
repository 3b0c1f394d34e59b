"""The exercise grader: named conformance suites run against a candidate's class or function.

A suite is a list of :class:`Case` objects kept next to the reference implementation it
describes (``tarento_lib/<concept>/conformance.py`` exposes ``SUITES``). The same suites
grade a reader's exercise in a notebook (``check(MyLRUCache, "lru")``), from a terminal
(``tarento-lab check q01 solution.py``) and the reference classes in ``tests/``.
"""

from __future__ import annotations

import importlib
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tarento_lib.questions import QUESTIONS

__all__ = [
    "QUESTION_SUITES",
    "Case",
    "CaseFailure",
    "CaseResult",
    "Scorecard",
    "Steps",
    "Suite",
    "check",
    "get_suite",
    "run_suite",
    "suite_names",
]

T = TypeVar("T")

# Where each named suite lives; a module is imported only when its suite is asked for.
SUITE_MODULES: dict[str, str] = {
    "lru": "tarento_lib.cache.conformance",
    "sliding_window": "tarento_lib.ratelimit.conformance",
    "token_bucket": "tarento_lib.ratelimit.conformance",
    "trie": "tarento_lib.text.conformance",
    "levenshtein": "tarento_lib.text.conformance",
    "content_api": "tarento_lib.content.conformance",
    "retry": "tarento_lib.db.conformance",
    "job_queue": "tarento_lib.jobs.conformance",
    "upload": "tarento_lib.uploads.conformance",
    "bug_hunt": "tarento_lib.review.conformance",
    "timing_decorator": "tarento_lib.patterns.conformance",
}

# The exercise of each notebook, for ``tarento-lab check qNN``.
QUESTION_SUITES: dict[str, str] = {entry.number: entry.suite for entry in QUESTIONS}


class CaseFailure(AssertionError):
    """A case's expectation was not met; carries the steps that led there."""

    def __init__(
        self, message: str, *, steps: Iterable[str] = (), expected: Any = None, got: Any = None
    ) -> None:
        super().__init__(message)
        self.steps = list(steps)
        self.expected = expected
        self.got = got


class Steps:
    """Records what a case did to the candidate, so a failure can replay it for the reader."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def note(self, line: str) -> None:
        self.lines.append(line)

    def call(self, obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``obj.method(*args, **kwargs)``,
        record it with its result, and return the result."""
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        try:
            result = getattr(obj, method)(*args, **kwargs)
        except Exception as exc:
            self.lines.append(f"{method}({shown}) raised {type(exc).__name__}: {exc}")
            raise
        self.lines.append(f"{method}({shown}) -> {result!r}")
        return result

    def expect(self, got: Any, expected: Any, what: str) -> None:
        """Fail the case unless ``got == expected``."""
        if got != expected:
            raise CaseFailure(
                f"{what}: expected {expected!r}, got {got!r}",
                steps=self.lines,
                expected=expected,
                got=got,
            )

    def expect_true(self, condition: bool, what: str) -> None:
        if not condition:
            raise CaseFailure(what, steps=self.lines)

    def expect_raises(
        self,
        errors: type[BaseException] | tuple[type[BaseException], ...],
        func: Callable[[], Any],
        what: str,
    ) -> BaseException:
        """Fail the case unless ``func()`` raises one of ``errors``; return the exception."""
        try:
            result = func()
        except errors as exc:
            self.lines.append(f"{what} raised {type(exc).__name__}: {exc}")
            return exc
        names = (
            errors.__name__ if isinstance(errors, type) else " or ".join(e.__name__ for e in errors)
        )
        raise CaseFailure(
            f"{what}: expected {names}, but it returned {result!r}",
            steps=self.lines,
            expected=names,
            got=result,
        )


@dataclass(frozen=True)
class Case:
    """One behaviour the candidate must show: ``run(candidate, steps)`` raises on a failure."""

    name: str
    run: Callable[[Any, Steps], None]
    hint: str = ""


@dataclass(frozen=True)
class Suite:
    """A named list of cases, and what kind of thing it grades (``"class"`` or ``"function"``)."""

    name: str
    title: str
    cases: tuple[Case, ...]
    kind: str = "class"

    def __post_init__(self) -> None:
        if self.kind not in ("class", "function"):
            raise ValueError(f"kind must be 'class' or 'function', got {self.kind!r}")
        names = [case.name for case in self.cases]
        if len(set(names)) != len(names):
            raise ValueError(f"suite {self.name!r} has duplicate case names")


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    message: str = ""
    steps: tuple[str, ...] = ()
    hint: str = ""


@dataclass
class Scorecard:
    """What ``check`` found: one result per case, in the suite's order."""

    suite: str
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed

    def __bool__(self) -> bool:
        return self.ok

    def render(self) -> str:
        lines = [f"{self.suite}: {self.passed}/{len(self.results)} cases pass"]
        for result in self.results:
            lines.append(f"  {'✓' if result.passed else '✗'} {result.name}")
            if not result.passed:
                lines.extend(f"      {step}" for step in result.steps)
                lines.append(f"      => {result.message}")
                if result.hint:
                    lines.append(f"      hint: {result.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Scorecard({self.suite!r}: {self.passed}/{len(self.results)} passed)"


def suite_names() -> list[str]:
    return sorted(SUITE_MODULES)


def get_suite(name: str) -> Suite:
    """The suite called ``name`` (its module is imported on first use)."""
    if name not in SUITE_MODULES:
        raise KeyError(f"no suite named {name!r}; known suites: {', '.join(suite_names())}")
    module = importlib.import_module(SUITE_MODULES[name])
    return module.SUITES[name]


def _run_case(case: Case, candidate: Any, timeout: float) -> CaseResult:
    steps = Steps()
    outcome: list[CaseResult] = []

    def target() -> None:
        try:
            case.run(candidate, steps)
        except CaseFailure as failure:
            outcome.append(
                CaseResult(
                    case.name, False, str(failure), tuple(failure.steps or steps.lines), case.hint
                )
            )
        except Exception as exc:  # the candidate's own bug: report it, never crash the grader
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = f"raised {type(exc).__name__}: {exc} (at line {where.lineno} in {where.name})"
            outcome.append(CaseResult(case.name, False, message, tuple(steps.lines), case.hint))
        else:
            outcome.append(CaseResult(case.name, True))

    worker = threading.Thread(target=target, name=f"case-{case.name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return CaseResult(
            case.name,
            False,
            f"did not finish within {timeout:g} s (deadlock or endless loop?)",
            tuple(steps.lines),
            case.hint,
        )
    return outcome[0]


def run_suite(candidate: Any, suite: str | Suite, *, timeout: float = 10.0) -> Scorecard:
    """Run every case of ``suite`` against ``candidate``
    and return the scorecard (prints nothing)."""
    chosen = get_suite(suite) if isinstance(suite, str) else suite
    if chosen.kind == "class" and not isinstance(candidate, type):
        raise TypeError(
            f"suite {chosen.name!r} grades a class; pass the class itself, not {candidate!r}"
        )
    if chosen.kind == "function" and not callable(candidate):
        raise TypeError(f"suite {chosen.name!r} grades a function; {candidate!r} is not callable")
    return Scorecard(chosen.name, [_run_case(case, candidate, timeout) for case in chosen.cases])


def check(candidate: Any, suite: str | Suite, *, timeout: float = 10.0) -> Scorecard:
    """Grade ``candidate`` with the named suite and print a scorecard: ✓/✗ per case, with replay."""
    card = run_suite(candidate, suite, timeout=timeout)
    print(card.render())
    return card
