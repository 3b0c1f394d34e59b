"""What a mock interview is made of: the question, its follow-ups as stages, and a probe.

Each question's plan lives next to its exercise suite: ``<library>/conformance.py`` exposes
``INTERVIEWS``, a dict from question number (``"q01"``) to :class:`Interview`. A stage is one
thing the interviewer asks, in the order they ask it, with the cases that show it is done and
hints that get more specific. Grading stage *k* runs the cases of stages 1..*k*: a follow-up
must not break what already worked.

This module imports nothing of the notebook UI, like the grader it builds on.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tarento_lib._validate import require_int
from tarento_lib.grading.cases import Case, Suite
from tarento_lib.grading.suites import get_suite
from tarento_lib.questions import QUESTIONS, question

__all__ = ["Interview", "Probe", "Stage", "interview_plan"]


@dataclass(frozen=True)
class Stage:
    """One request of the interviewer, graded by its own cases.

    ``section`` is the heading of the question's notebook that answers this follow-up (its
    text without the ``#`` marks): the scorecard links there when the stage is not reached.
    """

    title: str
    ask: str
    cases: tuple[Case, ...]
    hints: tuple[str, ...]
    minutes: float
    section: str

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError(f"stage {self.title!r} has no cases")
        if not self.hints:
            raise ValueError(f"stage {self.title!r} has no hints")
        if self.minutes <= 0:
            raise ValueError(f"stage {self.title!r}: minutes must be > 0, got {self.minutes}")


@dataclass(frozen=True)
class Probe:
    """Time per operation at two sizes, far enough apart that the wrong growth shows.

    ``prepare(candidate, size)`` builds the subject at ``size`` (a full cache of ``size``
    entries, a trie of ``size`` words) and returns ``operation(i)``, which does one operation
    (``i`` counts from 0). The probe times ``repeat`` operations at each size; when the time
    per operation at the larger size is more than ``limit`` times that at the smaller, the
    scorecard flags the growth as worse than ``growth``. The same workload at the larger size
    times the candidate against the model answer.
    """

    what: str
    growth: str
    sizes: tuple[int, int]
    prepare: Callable[[Any, int], Callable[[int], object]]
    limit: float
    repeat: int = 2000

    def __post_init__(self) -> None:
        small, large = self.sizes
        if not 1 <= small < large:
            raise ValueError(f"sizes must grow: got {self.sizes}")
        if self.limit <= 1:
            raise ValueError(f"limit must be > 1, got {self.limit}")
        require_int(self.repeat, "repeat", minimum=1)


@dataclass(frozen=True)
class Interview:
    """The mock interview of one question.

    ``brief`` is the question as the interviewer puts it; ``clarifications`` answer what a
    good candidate asks before writing code; ``stub`` is the file the candidate starts from.
    ``probe`` is ``None`` where a complexity probe teaches nothing (``no_probe`` says why).
    ``reference`` grades the stages when they ask for more than the exercise suite's
    reference offers; by default the suite's reference is used.
    """

    number: str
    brief: str
    clarifications: tuple[str, ...]
    stub: str
    stages: tuple[Stage, ...]
    probe: Probe | None = None
    no_probe: str = ""
    reference: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        if not self.stages:
            raise ValueError(f"interview {self.number} has no stages")
        if (self.probe is None) == (not self.no_probe):
            raise ValueError(f"interview {self.number}: give a probe or say why there is none")
        names = [case.name for stage in self.stages for case in stage.cases]
        if len(set(names)) != len(names):
            raise ValueError(f"interview {self.number} repeats a case name across its stages")

    @property
    def minutes(self) -> float:
        """The time budget of the whole interview: the stages' budgets added up."""
        return sum(stage.minutes for stage in self.stages)

    def stage_suite(self, stage: int) -> Suite:
        """The suite that grades stage ``stage`` (1-based): its cases and every earlier one."""
        require_int(stage, "stage", minimum=1, maximum=len(self.stages))
        base = get_suite(question(self.number).suite)
        current = self.stages[stage - 1]
        return Suite(
            name=f"{self.number}, stage {stage}: {current.title}",
            title=current.title,
            cases=tuple(case for earlier in self.stages[:stage] for case in earlier.cases),
            kind=base.kind,
            reference=self.reference or base.reference,
        )


def interview_plan(number: str) -> Interview:
    """The interview of question ``number`` (``"q01"``), from its library's conformance module."""
    entry = question(number)
    module = importlib.import_module(f"{entry.library}.conformance")
    plans: dict[str, Interview] = getattr(module, "INTERVIEWS", {})
    if number not in plans:
        raise KeyError(f"question {number} has no interview stages yet")
    return plans[number]


def numbers() -> list[str]:
    """Every question number, in order."""
    return [entry.number for entry in QUESTIONS]
