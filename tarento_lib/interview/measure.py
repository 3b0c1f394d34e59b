"""Measure a candidate's solution: growth between two sizes, speed against the model answer, ruff.

:func:`measure` runs the question's :class:`~tarento_lib.interview.plan.Probe` on the solution
file in a child process (:mod:`tarento_lib.interview.measure_child`), and the same workload on
the model answer (``tarento_lib/answers/qNN_*.py``) in a second one. This process drives both
in lock step, one timed round at a time, candidate and model interleaved, so a burst of load on
the machine hits both alike; each figure is the best of seven rounds. The candidate's process
has a time limit and is killed with everything it started when the limit is reached; an
endless loop, an exit, a crash or a flood of output becomes one line, the ``problem``.

:func:`ruff_findings` lints the solution file.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tarento_lib._validate import require_number, require_str
from tarento_lib.grading.channel import EOF, TIMEOUT, FrameReader, write_frame
from tarento_lib.grading.child import defined_names
from tarento_lib.grading.suites import get_suite
from tarento_lib.interview.plan import Probe, interview_plan
from tarento_lib.questions import question

__all__ = ["RUFF_RULES", "Measurement", "measure", "model_answer", "ruff_findings"]

NOISE = 1.5  # two runs of the same code differ by up to this factor on a busy machine
ROUNDS = 7  # timed rounds per figure; the best one counts (this machine is noisy)
STARTUP_SECONDS = 120.0  # a child imports the question's library before any candidate code runs
FLOOD = 100_000  # printed characters beyond which the timings mostly measure printing
RUFF_RULES = ("E4", "E7", "E9", "F", "B", "SIM")  # ruff's defaults, bugbear and simplify
_ROOT = Path(__file__).resolve().parents[2]
_ANSWERS = Path(__file__).resolve().parents[1] / "answers"
_ADVICE = {"O(1)": "look for a scan such as list.remove or 'in' on a list"}
_ADVICE_ELSE = "look for work each operation repeats over everything already stored"
_FINDING = re.compile(r"^-:(\d+):(\d+): (.*)$", re.MULTILINE)  # ruff's concise format, stdin


@dataclass(frozen=True)
class Measurement:
    """What :func:`measure` found: seconds per operation at both sizes and for the model answer.

    ``small`` and ``large`` are the candidate's seconds per operation at ``sizes[0]`` and
    ``sizes[1]``; ``model`` is the model answer's at ``sizes[1]`` (``None`` where not measured).
    ``printed`` counts the characters the candidate printed. ``problem`` is one line, ``""``
    when all went well; ``skipped`` is the plan's reason when the question has no probe.
    ``ratio``, ``flagged`` and ``speed`` are computed from these, so a stored measurement
    (``Measurement(**dataclasses.asdict(m))``) reads back the same.
    """

    number: str
    what: str = ""
    growth: str = ""
    sizes: tuple[int, int] = (0, 0)
    limit: float = 0.0
    small: float | None = None
    large: float | None = None
    model: float | None = None
    printed: int = 0
    problem: str = ""
    skipped: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "sizes", tuple(self.sizes))  # a list, when read back from JSON

    @property
    def ratio(self) -> float | None:
        """How many times longer an operation takes at the larger size than at the smaller."""
        if self.small is None or self.large is None:
            return None
        return self.large / self.small if self.small > 0 else float("inf")

    @property
    def flagged(self) -> bool:
        """The growth is worse than the probe allows (``ratio > limit``)."""
        return self.ratio is not None and self.ratio > self.limit

    @property
    def speed(self) -> float | None:
        """Model time / candidate time at the larger size: 1.0 as fast, 0.5 half as fast."""
        if self.model is None or self.large is None:
            return None
        return self.model / self.large if self.large > 0 else float("inf")

    def lines(self) -> list[str]:
        """The scorecard's lines: one fact each."""
        if self.skipped:
            return [f"complexity: not measured: {self.skipped}"]
        small, large = self.sizes
        lines = []
        if self.ratio is not None and self.small is not None and self.large is not None:
            head = (
                f"complexity: {_duration(self.small)} per op at {small:,}, "
                f"{_duration(self.large)} at {large:,} (x{_times(self.ratio)})"
            )
            if self.flagged:
                advice = _ADVICE.get(self.growth, _ADVICE_ELSE)
                lines.append(f"{head}: grows faster than {self.growth}; {advice}")
            else:
                lines.append(f"{head}: {self.growth} as expected")
        if self.speed is not None and self.large is not None and self.model is not None:
            verdict = (
                "about as fast as the model answer"
                if 1 / NOISE <= self.speed <= NOISE
                else f"{_ratio(self.speed)}x the model answer"
            )
            lines.append(
                f"speed: {verdict} ({_duration(self.large)} vs "
                f"{_duration(self.model)} per op at {large:,})"
            )
        if self.problem:
            lines.append(f"{'problem' if lines else 'complexity: not measured'}: {self.problem}")
        elif self.printed:
            lines.append(
                f"output: your code printed {self.printed:,} characters during the probe "
                "(the timings include the printing)"
            )
        return lines


def _duration(seconds: float) -> str:
    """``2.1 µs``, ``340 ns``, ``12 ms``: two or three significant digits and a unit."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{_times(seconds / scale)} {unit}"
    return f"{_times(seconds / 1e-9)} ns"


def _times(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _ratio(value: float) -> str:
    return f"{value:.1f}" if value >= 0.1 else f"{value:.1g}"


def model_answer(number: str) -> tuple[Path, str] | None:
    """The model answer's file and its graded name (the one in ``__all__``), if written."""
    found = sorted(_ANSWERS.glob(f"{number}_*.py"))
    if len(found) != 1:
        return None
    names = defined_names(found[0], get_suite(question(number).suite).kind)
    return (found[0], names[0]) if len(names) == 1 else None


class _Stopped(Exception):
    """Measuring stopped; the message is the scorecard's line."""


class _Child:
    """One child process that loads a file and runs the probe on it, command by command."""

    def __init__(self, number: str, file: Path, name: str, owner: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT), *sys.path])}
        self.owner = owner
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tarento_lib.interview.measure_child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: killed with all it started
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.reader = FrameReader(self.process.stdout.fileno())
        self.printed = 0
        self.send((list(sys.path), number, str(file), name))

    def send(self, message: Any) -> bool:
        assert self.process.stdin is not None
        try:
            write_frame(self.process.stdin.fileno(), message)
        except OSError:  # the child has gone; reading tells how
            return False
        return True

    def ask(self, command: tuple[Any, ...], doing: str, deadline: float, limit: float) -> Any:
        """Send ``command`` and return its reply's value (``None`` for a step without one)."""
        self.send(command)
        return self.read("round" if command[0] == "round" else "prepared", doing, deadline, limit)

    def read(self, wanted: str, doing: str, deadline: float, limit: float) -> Any:
        """The next reply, which must be ``wanted``; anything else stops the measurement."""
        try:
            reply = self.reader.read(deadline)
        except ValueError as exc:
            raise _Stopped(f"the channel was tampered with while {doing}: {exc}") from None
        if reply is TIMEOUT:
            raise _Stopped(
                f"{doing} did not finish within {limit:g} s "
                "(an endless loop, or far too slow?); stopped"
            )
        if reply is EOF:
            raise _Stopped(f"the process running {self.owner} ended while {doing} ({self.ended()})")
        if type(reply) is not tuple or len(reply) < 2 or type(reply[-1]) is not int:
            raise _Stopped(f"the channel was tampered with while {doing}")
        self.printed = max(self.printed, reply[-1])
        if reply[0] in ("error", "broken") and type(reply[1]) is str:
            raise _Stopped(f"{doing} {reply[1]}" if reply[0] == "error" else reply[1])
        if reply[0] != wanted or len(reply) != (3 if wanted == "round" else 2):
            raise _Stopped(f"the channel was tampered with while {doing}")
        if wanted == "round" and type(reply[1]) is not float:
            raise _Stopped(f"the channel was tampered with while {doing}")
        return reply[1] if wanted == "round" else None

    def ended(self) -> str:
        """How the child ended: its exit status or the signal that ended it."""
        try:
            code = self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return "it closed its channel"
        return f"signal {-code}" if code < 0 else f"exit status {code}"

    def kill(self) -> None:
        """End the child and anything it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class _Session:
    """Drives the candidate's child and the model's child through the probe, in lock step."""

    def __init__(self, probe: Probe, timeout: float) -> None:
        self.probe, self.timeout = probe, timeout
        self.deadline = time.monotonic() + STARTUP_SECONDS
        self.times: dict[tuple[str, int], list[float]] = {}
        self.model_problem = ""

    def step(self, child: _Child, command: tuple[Any, ...], doing: str) -> None:
        seconds = child.ask(command, doing, self.deadline, self.timeout)
        if seconds is not None:
            self.times.setdefault((child.owner, command[1]), []).append(seconds / self.probe.repeat)

    def on_model(self, model: _Child | None, step: Callable[[_Child], object]) -> _Child | None:
        """Run one step on the model's child; on failure note why and leave the model out."""
        if model is None:
            return None
        try:
            step(model)
        except _Stopped as stopped:
            self.model_problem = f"grader error, model answer: {stopped}"
            return None
        return model

    def run(self, candidate: _Child, model: _Child | None, file: str) -> None:
        small, large = self.probe.sizes
        candidate.read("ready", "starting", self.deadline, STARTUP_SECONDS)
        model = self.on_model(
            model, lambda child: child.read("ready", "starting", self.deadline, STARTUP_SECONDS)
        )
        self.deadline = time.monotonic() + self.timeout  # the candidate's code runs from here
        candidate.read("loaded", f"importing {file}", self.deadline, self.timeout)
        model = self.on_model(
            model, lambda child: child.read("loaded", "importing", self.deadline, self.timeout)
        )
        for size in (small, large):
            self.step(candidate, ("prepare", size), f"setting up the probe at {size:,}")
        model = self.on_model(
            model, lambda child: self.step(child, ("prepare", large), "setting up the probe")
        )
        for start in range(0, ROUNDS * self.probe.repeat, self.probe.repeat):
            for size in (small, large):
                self.step(candidate, ("round", size, start), f"timing the probe at {size:,}")
            model = self.on_model(
                model,
                lambda child, start=start: self.step(
                    child, ("round", large, start), "timing the probe"
                ),
            )

    def best(self, who: str, size: int) -> float | None:
        seen = self.times.get((who, size))
        return min(seen) if seen else None


def _candidate_name(file: Path, number: str) -> str:
    """The one class (or function) the file defines; ``LookupError`` when not exactly one."""
    kind = get_suite(question(number).suite).kind
    found = defined_names(file, kind)
    if len(found) != 1:
        raise LookupError(f"expected one {kind} in {file.name}, found {', '.join(found) or 'none'}")
    return found[0]


def measure(
    number: str, path: Path, name: str | None = None, *, timeout: float = 30.0
) -> Measurement:
    """Run question ``number``'s probe on the solution at ``path`` and on the model answer.

    ``name`` is the class or function to measure (by default the only one the file defines).
    ``timeout`` bounds the candidate's part (import, set-up and timed rounds) in seconds; the
    child processes' start-up, before any candidate code runs, is not counted. Whatever the
    candidate's code does, this returns a :class:`Measurement`: a failure is its ``problem``.
    Raises ``KeyError`` when the question has no interview plan.
    """
    require_str(number, "number")
    if name is not None:
        require_str(name, "name")
    require_number(timeout, "timeout", minimum=0, min_inclusive=False)
    plan = interview_plan(number)
    if plan.probe is None:
        return Measurement(number, skipped=plan.no_probe)
    probe = plan.probe
    found = Measurement(number, probe.what, probe.growth, probe.sizes, probe.limit)
    file = Path(path).resolve()
    try:
        name = name or _candidate_name(file, number)
    except SyntaxError as exc:
        return replace(found, problem=f"{file.name} does not parse: {exc.msg} (line {exc.lineno})")
    except (OSError, ValueError, LookupError) as exc:
        return replace(found, problem=f"cannot measure {file.name}: {exc}")
    return _measured(found, probe, file, name, timeout)


def _measured(
    found: Measurement, probe: Probe, file: Path, name: str, timeout: float
) -> Measurement:
    session, problem = _Session(probe, timeout), ""
    candidate = _Child(found.number, file, name, "your code")
    model_file = model_answer(found.number)
    model = _Child(found.number, *model_file, "the model answer") if model_file else None
    try:
        session.run(candidate, model, file.name)
    except _Stopped as stopped:
        problem = str(stopped)
    finally:
        for child in (candidate, model):
            if child is not None:
                child.kill()
    if not problem and candidate.printed > FLOOD:
        problem = (
            f"your code printed {candidate.printed:,} characters during the probe: "
            "the timings measure the printing more than the code"
        )
    return replace(
        found,
        small=session.best("your code", probe.sizes[0]),
        large=session.best("your code", probe.sizes[1]),
        model=session.best("the model answer", probe.sizes[1]),
        printed=candidate.printed,
        problem=problem or session.model_problem,
    )


def ruff_findings(path: Path) -> list[str]:
    """``ruff check`` findings on a solution file, one short line each, no machine paths.

    ``"12:5 B006 Do not use mutable data structures for argument defaults"``. A candidate's file
    is judged by ruff's default rules (E4, E7, E9, F) plus flake8-bugbear (B) and
    flake8-simplify (SIM), with ``--isolated``: no configuration file on the machine, this
    project's included, changes the verdict. A file that does not parse gives ruff's syntax
    errors; one that cannot be read raises ``OSError``.
    """
    from tarento_lib.lab.tools import run_tool

    source = Path(path).read_text(encoding="utf-8", errors="replace")
    report = run_tool(
        "ruff",
        "check",
        "--isolated",
        "--select",
        ",".join(RUFF_RULES),
        "--output-format",
        "concise",
        "-",
        stdin=source,
    )
    return [
        f"{line}:{column} {text.replace('[*] ', '', 1)}"
        for line, column, text in _FINDING.findall(report)
    ]
