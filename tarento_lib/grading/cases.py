"""What a suite is made of: cases that *observe* a candidate, and the rules that judge them.

A case is a script ``run(subject, steps)``. It drives the subject (the candidate in the child
process, the reference implementation in the grader) and records what came back with
``steps.expect(got, what)``; it never states the right answer. The grader runs the same script
on the trusted reference, so the expected values are computed where the candidate cannot reach
them, and compares the two lists of observations itself. A :class:`Rule` replaces "the same as
the reference" where any answer in a range is right (a jittered wait, a memory peak).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tarento_lib.grading.values import Raised, encode, encode_raised, show, strict_equal

__all__ = [
    "SAME",
    "Case",
    "CaseFailure",
    "Observation",
    "Rule",
    "Steps",
    "Suite",
    "approx",
    "between",
    "is_number",
    "is_true",
    "rule",
]


@dataclass(frozen=True)
class Rule:
    """Accepts an observed value: ``accept(got, reference)`` on plain data, in the grader."""

    text: str
    accept: Callable[[Any, Any], bool]
    shows_reference: bool = False
    explain: Callable[[str, Any], str] | None = None

    def failure(self, what: str, got: Any, reference: Any) -> str:
        """One line saying what was wanted and what came back."""
        if self.explain is not None:
            return self.explain(what, got)
        if self.shows_reference:
            return f"{what}: expected {show(reference)}, got {show(got)}"
        return f"{what}: {self.text}, got {show(got)}"


SAME = Rule("the same as the reference", strict_equal, shows_reference=True)


def rule(text: str) -> Callable[[Callable[[Any], bool]], Rule]:
    """Decorate a predicate on the observed value (plain data) to make a :class:`Rule`."""

    def wrap(predicate: Callable[[Any], bool]) -> Rule:
        return Rule(text, lambda got, _reference: bool(predicate(got)))

    return wrap


def is_number(value: Any) -> bool:
    """An ``int`` or a ``float`` (a ``bool`` is not a number of seconds or tokens)."""
    return type(value) in (int, float)


def approx(tolerance: float = 1e-6) -> Rule:
    """A number within ``tolerance`` of the reference's (``0`` and ``0.0`` both fine)."""

    def accept(got: Any, reference: Any) -> bool:
        return is_number(got) and abs(got - reference) <= tolerance

    return Rule(f"within {tolerance:g} of the reference", accept, shows_reference=True)


def between(low: float, high: float, text: str) -> Rule:
    """A number in ``[low, high]``, whatever the reference answered."""
    return Rule(text, lambda got, _reference: is_number(got) and low <= got <= high)


def is_true(text: str = "expected True") -> Rule:
    return Rule(text, lambda got, _reference: got is True)


def _raises(errors: tuple[type[BaseException], ...]) -> Rule:
    allowed = {f"{e.__module__}.{e.__qualname__}" for e in errors}
    names = " or ".join(e.__name__ for e in errors)

    def accept(got: Any, _reference: Any) -> bool:
        return isinstance(got, Raised) and bool(allowed & set(got.names))

    def explain(what: str, got: Any) -> str:
        verb = "raised" if isinstance(got, Raised) else "returned"
        shown = got.text if isinstance(got, Raised) else show(got)
        return f"{what}: expected {names}, but it {verb} {shown}"

    return Rule(f"expected {names}", accept, explain=explain)


class CaseFailure(AssertionError):
    """A case gave up on its own (a deadlock on virtual time, say): the case fails."""

    def __init__(self, message: str, *, steps: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.steps = list(steps)


@dataclass(frozen=True)
class Observation:
    what: str
    value: tuple[Any, ...]  # encoded: see tarento_lib.grading.values
    rule: Rule


class Steps:
    """The replay shown to the reader, and the observations the grader judges."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.observations: list[Observation] = []

    def note(self, line: str) -> None:
        self.lines.append(line)

    def call(self, obj: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``obj.method(*args, **kwargs)``, note it with its result, and return the result."""
        shown = ", ".join([*map(show, args), *(f"{k}={show(v)}" for k, v in kwargs.items())])
        try:
            result = getattr(obj, method)(*args, **kwargs)
        except Exception as exc:
            self.lines.append(f"{method}({shown}) raised {encode_raised(exc)[2]}")
            raise
        self.lines.append(f"{method}({shown}) -> {show(result)}")
        return result

    def expect(self, got: Any, what: str, rule: Rule = SAME) -> None:
        """Record ``got``; the grader judges it (by default: the same as the reference's).

        There is no "expected" argument: the expected value is what the reference returns
        when the grader runs the same case, where the candidate cannot see or change it.
        """
        if not isinstance(rule, Rule):
            raise TypeError(
                f"expect(got, what, rule): rule must be a Rule, got {type(rule).__name__}; "
                "the expected value comes from the reference"
            )
        self.observations.append(Observation(what, encode(got), rule))

    def expect_true(self, condition: Any, what: str) -> None:
        """Record a condition computed from plain values; it must be ``True`` itself."""
        self.expect(condition, what, is_true(what))

    def expect_raises(
        self,
        errors: type[BaseException] | tuple[type[BaseException], ...],
        func: Callable[[], Any],
        what: str,
    ) -> None:
        """Record whether ``func()`` raises one of ``errors`` (the grader judges the names)."""
        errors = errors if isinstance(errors, tuple) else (errors,)
        try:
            result = func()
        except Exception as exc:
            value = encode_raised(exc)
            self.lines.append(f"{what} raised {value[2]}")
        else:
            value = encode(result)
            self.lines.append(f"{what} -> {show(result)}")
        self.observations.append(Observation(what, value, _raises(errors)))


@dataclass(frozen=True)
class Case:
    """One behaviour the candidate must show, as a script over a subject."""

    name: str
    run: Callable[[Any, Steps], None]
    hint: str = ""


@dataclass(frozen=True)
class Suite:
    """A named list of cases, what it grades (``"class"`` or ``"function"``), and the reference.

    ``reference`` is a function returning the trusted implementation the grader runs the same
    cases on (imported only when a grading starts).
    """

    name: str
    title: str
    cases: tuple[Case, ...]
    kind: str = "class"
    reference: Callable[[], Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in ("class", "function"):
            raise ValueError(f"kind must be 'class' or 'function', got {self.kind!r}")
        names = [case.name for case in self.cases]
        if len(set(names)) != len(names):
            raise ValueError(f"suite {self.name!r} has duplicate case names")
