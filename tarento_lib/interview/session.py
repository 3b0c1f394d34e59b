"""One mock interview on disk: the clock, the stage reached, the hints, the scorecard.

A session is a small JSON file beside the candidate's solution (``DIR/q01_interview.json``
next to ``DIR/q01_solution.py``), so it survives closing the terminal or restarting a
kernel: every command reads it, acts, and writes it back (to a temporary file that then
replaces it, so a crash never leaves half a file). Time is wall-clock seconds
(``time.time``): a session may span a reboot, which a monotonic clock does not survive.
Everything that takes time or runs candidate code is injected, so tests script a whole
session on a fake clock without waiting.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tarento_lib._validate import require_number
from tarento_lib.grading.cases import Suite
from tarento_lib.grading.scorecard import Scorecard
from tarento_lib.interview.plan import Interview, Stage, interview_plan
from tarento_lib.questions import question

__all__ = ["CheckOutcome", "Session", "SessionError", "clock_text", "save_progress"]

FORMAT = 1
WIDTH = 88  # columns of the printed question and follow-ups
CASE_SECONDS = 10.0  # the grader's limit per case
STAGE_SECONDS = 30.0  # and per check of a stage: an endless loop in __init__ fails every case


class SessionError(Exception):
    """No session to act on, or a session file that cannot be used; the message says which."""


@dataclass
class _Record:
    """What the session file holds. Times are seconds after ``started``."""

    question: str
    started: float
    minutes: float
    stage: int = 1  # the stage being worked on; one past the last once every stage passed
    passed_at: list[float] = field(default_factory=list)
    hints: list[int] = field(default_factory=list)
    checks: list[int] = field(default_factory=list)
    finished_at: float | None = None
    scorecard: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """What one check found: the stage's card, and what comes next."""

    card: Scorecard
    passed: bool
    revealed: Stage | None = None  # the follow-up unlocked by this pass
    scorecard: str = ""  # the final scorecard, when this check ended the interview


def _grade_file(path: Path, suite: Suite) -> Scorecard:
    from tarento_lib.grading import check_file

    return check_file(path, suite, timeout=CASE_SECONDS, limit=STAGE_SECONDS)


def _measure(number: str, path: Path) -> list[str]:
    from tarento_lib.interview.measure import measure

    return measure(number, path).lines()


def _findings(path: Path) -> list[str]:
    from tarento_lib.interview.measure import ruff_findings

    return ruff_findings(path)


def save_progress(session: Session, directory: Path | None = None) -> str | None:
    """Record the finished session in the progress file (in ``directory``, else the user's
    data folder); returns a one-line notice when the file needed attention, else ``None``."""
    from tarento_lib.interview.progress import ProgressFileError, ProgressStore

    try:
        return ProgressStore(directory).record(session.attempt()).notice
    except ProgressFileError as exc:
        return f"{exc}; this attempt is not in your progress"


def _wrap(text: str, first: str = "", rest: str | None = None) -> str:
    """``text`` wrapped for a terminal, the first line indented by ``first``."""
    return textwrap.fill(
        text, WIDTH, initial_indent=first, subsequent_indent=first if rest is None else rest
    )


def clock_text(seconds: float) -> str:
    """``m:ss`` (``-`` sign for time over)."""
    sign = "-" if seconds < 0 else ""
    whole = round(abs(seconds))
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def section_link(number: str, heading: str) -> str:
    """Where a heading lives: the notebook file and JupyterLab's anchor for it (the heading's
    rendered text with each space made a hyphen)."""
    text = heading.replace("`", "").replace("*", "")  # the rendered text, not its markdown
    return f"{question(number).notebook}#{text.replace(' ', '-')}"


class Session:
    """A mock interview of one question in ``directory``: start it, check, hint, finish."""

    def __init__(
        self,
        plan: Interview,
        directory: Path,
        record: _Record,
        *,
        clock: Callable[[], float] = time.time,
        grade: Callable[[Path, Suite], Scorecard] = _grade_file,
        measure: Callable[[str, Path], list[str]] = _measure,
        findings: Callable[[Path], list[str]] = _findings,
        save_progress: Callable[[Session], str | None] = save_progress,
    ) -> None:
        self.plan = plan
        self.directory = directory
        self._record = record
        self._clock = clock
        self._grade = grade
        self._measure = measure
        self._findings = findings
        self._save_progress = save_progress
        self.progress_notice: str | None = None  # what recording the attempt had to say

    # -- files ------------------------------------------------------------------------------

    @staticmethod
    def state_path(number: str, directory: Path) -> Path:
        return Path(directory) / f"{number}_interview.json"

    @property
    def solution(self) -> Path:
        return self.directory / f"{self.plan.number}_solution.py"

    @classmethod
    def start(
        cls, number: str, directory: Path, *, minutes: float | None = None, **options: Any
    ) -> Session:
        """A new session: writes the stub and starts the clock.

        A session still running is an error (resume it instead); a finished one is kept as
        ``qNN_interview-<n>.json`` with its solution as ``qNN_solution-<n>.py``.
        """
        plan = interview_plan(number)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        previous = cls.load(number, directory, **options)
        if previous is not None and not previous.finished:
            raise SessionError(
                f"an interview of {number} is already running in {directory} "
                f"({clock_text(previous.remaining)} left); check it, or finish it first"
            )
        if previous is not None:
            previous._archive()
        budget = plan.minutes if minutes is None else require_number(minutes, "minutes", minimum=1)
        clock = options.get("clock", time.time)
        count = len(plan.stages)
        record = _Record(number, clock(), budget, hints=[0] * count, checks=[0] * count)
        session = cls(plan, directory, record, **options)
        session.solution.write_text(plan.stub, encoding="utf-8")
        session._write()
        return session

    @classmethod
    def load(cls, number: str, directory: Path, **options: Any) -> Session | None:
        """The session of ``number`` in ``directory``, or ``None`` when there is none."""
        path = cls.state_path(number, directory)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SessionError(f"cannot read {path.name}: {exc}; delete it to start again") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SessionError(
                f"{path.name} is not a session file this version understands "
                f"(format {data.get('format') if isinstance(data, dict) else '?'}, "
                f"expected {FORMAT}); delete it to start again"
            )
        try:
            record = _Record(**{k: v for k, v in data.items() if k != "format"})
        except TypeError as exc:
            raise SessionError(f"{path.name} is damaged ({exc}); delete it to start again") from exc
        return cls(interview_plan(number), Path(directory), record, **options)

    def _write(self) -> None:
        path = self.state_path(self.plan.number, self.directory)
        text = json.dumps({"format": FORMAT, **asdict(self._record)}, indent=2)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _archive(self) -> None:
        number, state = self.plan.number, self.state_path(self.plan.number, self.directory)
        n = 1
        while state.with_name(f"{number}_interview-{n}.json").exists():
            n += 1
        state.replace(state.with_name(f"{number}_interview-{n}.json"))
        if self.solution.exists():
            self.solution.replace(self.solution.with_name(f"{number}_solution-{n}.py"))

    # -- the clock --------------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        if self._record.finished_at is not None:
            return self._record.finished_at
        return max(0.0, self._clock() - self._record.started)

    @property
    def budget(self) -> float:
        """Seconds the interview may take."""
        return self._record.minutes * 60

    @property
    def remaining(self) -> float:
        return self.budget - self.elapsed

    @property
    def finished(self) -> bool:
        return self._record.finished_at is not None

    @property
    def time_is_up(self) -> bool:
        return not self.finished and self.remaining <= 0

    # -- the stages -------------------------------------------------------------------------

    @property
    def stage_number(self) -> int:
        """The stage being worked on (1-based); one past the last when every stage passed."""
        return self._record.stage

    @property
    def stage(self) -> Stage | None:
        """The stage being worked on, or ``None`` when every stage passed."""
        stages = self.plan.stages
        return stages[self._record.stage - 1] if self._record.stage <= len(stages) else None

    @property
    def stages_passed(self) -> int:
        return len(self._record.passed_at)

    @property
    def hints_used(self) -> int:
        return sum(self._record.hints)

    @property
    def hints_shown(self) -> tuple[str, ...]:
        """The hints taken so far for the current stage, in order (what a resumed view shows)."""
        stage = self.stage
        if stage is None:
            return ()
        return stage.hints[: self._record.hints[self._record.stage - 1]]

    @property
    def scorecard(self) -> str:
        """The final scorecard ("" until the session finishes)."""
        return self._record.scorecard

    def _require_running(self) -> None:
        if self.finished:
            raise SessionError(
                f"the interview of {self.plan.number} is over; start a new one to try again"
            )

    def check(self) -> CheckOutcome:
        """Grade the current stage (its cases and every earlier stage's); a pass reveals the
        next follow-up, or ends the interview after the last one. Out of time, it finishes."""
        self._require_running()
        if self.time_is_up:
            return CheckOutcome(Scorecard(self.plan.number), False, scorecard=self.finish())
        index = self._record.stage
        self._record.checks[index - 1] += 1
        card = self._grade(self.solution, self.plan.stage_suite(index))
        self._write()
        if not card.ok:
            return CheckOutcome(card, False)
        self._record.passed_at.append(round(self.elapsed, 3))
        self._record.stage += 1
        self._write()
        if self.stage is None:
            return CheckOutcome(card, True, scorecard=self.finish())
        return CheckOutcome(card, True, revealed=self.stage)

    def hint(self) -> str:
        """The next hint of the current stage (counted), or a note that there is none left."""
        self._require_running()
        if self.time_is_up:
            return self.finish()
        stage = self.stage
        if stage is None:  # every stage passed: the check that passed the last one finished it
            return "every stage has passed"
        shown = self._record.hints[self._record.stage - 1]
        if shown >= len(stage.hints):
            return f"no more hints for stage {self._record.stage} (all {shown} shown above)"
        self._record.hints[self._record.stage - 1] += 1
        self._write()
        return f"hint {shown + 1} of {len(stage.hints)}: {stage.hints[shown]}"

    def finish(self) -> str:
        """End the interview (the clock stops at the budget when it ran out), record the
        attempt in the progress file, and return the scorecard."""
        if self.finished:
            return self._record.scorecard
        self._record.finished_at = round(min(self.elapsed, self.budget), 3)
        self._record.scorecard = self._render()
        self._write()
        self.progress_notice = self._save_progress(self)
        return self._record.scorecard

    def attempt(self) -> Any:
        """This session as a progress record."""
        from tarento_lib.interview.progress import Attempt

        return Attempt(
            question=self.plan.number,
            stages_passed=self.stages_passed,
            stages_total=len(self.plan.stages),
            seconds=self.elapsed,
            hints=self.hints_used,
            finished_at=datetime.fromtimestamp(self._record.started + self.elapsed, UTC),
        )

    # -- what is printed --------------------------------------------------------------------

    def ask(self, stage: Stage | None = None) -> str:
        """The stage's request as the interviewer makes it, with the cases that grade it."""
        stage = stage or self.stage
        if stage is None:
            return "Every stage has passed."
        number = self.plan.stages.index(stage) + 1
        lines = [
            f"Stage {number} of {len(self.plan.stages)}: {stage.title} "
            f"(about {stage.minutes:g} min)",
            _wrap(stage.ask, "  "),
            "  Graded by:",
            *(f"    - {case.name}" for case in stage.cases),
        ]
        return "\n".join(lines)

    def intro(self) -> str:
        """The question, the clarifications, where the stub is, and stage 1."""
        entry = question(self.plan.number)
        lines = [
            f"{entry.number.upper()} · {entry.title}: mock interview, "
            f"{self._record.minutes:g} minutes",
            "",
            _wrap(self.plan.brief),
            "",
            "What the interviewer answers when asked:",
            *(_wrap(line, "  - ", "    ") for line in self.plan.clarifications),
            "",
            f"Your file: {self.solution}",
            "",
            self.ask(self.plan.stages[0]),
        ]
        return "\n".join(lines)

    def status(self) -> str:
        """Where the session is: time left and the stage being worked on."""
        if self.finished:
            return self._record.scorecard
        left = self.remaining
        when = f"{clock_text(left)} left" if left > 0 else "time is up"
        head = (
            f"{self.plan.number}: {when}; {self.stages_passed} of {len(self.plan.stages)} "
            f"stages passed, {self.hints_used} hint{'s' if self.hints_used != 1 else ''} used"
        )
        return f"{head}\n{self.ask()}"

    def _stage_rows(self) -> list[str]:
        rows, start = [], 0.0
        for number, stage in enumerate(self.plan.stages, 1):
            budget = clock_text(stage.minutes * 60)
            hints = self._record.hints[number - 1]
            used = f", {hints} hint{'s' if hints != 1 else ''}" if hints else ""
            if number <= self.stages_passed:
                end = self._record.passed_at[number - 1]
                spent = end - start
                over = " over budget" if spent > stage.minutes * 60 else ""
                rows.append(
                    f"  ✓ {number} {stage.title}: {clock_text(spent)} (budget {budget}{used}){over}"
                )
                start = end
            elif number == self.stages_passed + 1:
                rows.append(
                    f"  ✗ {number} {stage.title}: not passed after "
                    f"{clock_text(self.elapsed - start)} (budget {budget}{used})"
                )
            else:
                rows.append(f"  · {number} {stage.title}: not reached")
        return rows

    def _render(self) -> str:
        entry = question(self.plan.number)
        total = len(self.plan.stages)
        ran_out = self.elapsed >= self.budget and self.stages_passed < total
        lines = [
            f"{entry.number.upper()} · {entry.title}: scorecard",
            f"stages: {self.stages_passed} of {total} passed in {clock_text(self.elapsed)} "
            f"(budget {clock_text(self.budget)}){'; time ran out' if ran_out else ''}",
            *self._stage_rows(),
            f"hints: {self.hints_used} used",
        ]
        if self.stages_passed:
            lines += self._measure(self.plan.number, self.solution)
        else:
            lines.append("complexity and speed: not measured (stage 1 did not pass)")
        try:
            found = self._findings(self.solution) if self.solution.exists() else []
        except FileNotFoundError as exc:  # ruff is a dependency, but an odd environment may lack it
            lines.append(f"ruff: not run ({exc})")
        else:
            lines.append(f"ruff: {len(found)} finding{'s' if len(found) != 1 else ''}")
            lines += [f"  {line}" for line in found]
        missed = self.plan.stages[self.stages_passed :]
        if missed:
            lines.append("follow-ups to study:")
            lines += [
                f"  - {stage.title}: {section_link(self.plan.number, stage.section)}"
                for stage in missed
            ]
        return "\n".join(lines)
