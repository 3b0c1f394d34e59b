"""The interview widget's state machine, driven without a browser on a fake clock.

The candidate "edits" the solution file by writing a marker the fake grader reads
(``# solved through stage N``): stages up to N pass, later ones fail, as a real grading would.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tarento_lib.clock import FakeClock
from tarento_lib.grading.cases import Suite
from tarento_lib.grading.scorecard import CaseResult, Scorecard
from tarento_lib.interview.plan import interview_plan
from tarento_lib.interview.session import Session, clock_text
from tarento_lib.interview.widget import InterviewPanel, InterviewView, interview

PLAN = interview_plan("q01")
BUDGET = PLAN.minutes * 60
STAGE_OF = {case.name: n for n, stage in enumerate(PLAN.stages, 1) for case in stage.cases}


def fake_grade(path: Path, suite: Suite) -> Scorecard:
    found = re.search(r"# solved through stage (\d+)", path.read_text(encoding="utf-8"))
    solved = int(found.group(1)) if found else 0
    passed = {case.name: STAGE_OF[case.name] <= solved for case in suite.cases}
    results = [CaseResult(name, ok, "" if ok else "wrong answer") for name, ok in passed.items()]
    return Scorecard(suite.name, results)


class Fakes:
    """The session's slow parts, recorded: grading, measuring, ruff, the progress file."""

    def __init__(self) -> None:
        self.clock = FakeClock(start=1_800_000_000.0)
        self.graded: list[str] = []
        self.saved: list[int] = []

    def grade(self, path: Path, suite: Suite) -> Scorecard:
        self.graded.append(suite.name)
        return fake_grade(path, suite)

    def save_progress(self, session: Session) -> None:
        self.saved.append(session.stages_passed)

    def options(self) -> dict[str, Any]:
        return {
            "clock": self.clock.now,
            "grade": self.grade,
            "measure": lambda number, path: ["complexity: (measured by a fake)"],
            "findings": lambda path: [],
            "save_progress": self.save_progress,
        }


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


def open_panel(directory: Path, fakes: Fakes, **extra: Any) -> InterviewPanel:
    return InterviewPanel("q01", directory, **fakes.options(), **extra)


def solve_through(panel: InterviewPanel, stage: int) -> None:
    solution = panel.session.solution
    solution.write_text(f"{solution.read_text()}\n# solved through stage {stage}\n")


def running(panel: InterviewPanel) -> bool:
    buttons = (panel.check_button, panel.hint_button, panel.finish_button)
    return not any(b.disabled for b in buttons) and panel.new_button.layout.display == "none"


def test_a_new_panel_writes_the_stub_and_shows_stage_one(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    assert (tmp_path / "q01_solution.py").read_text() == PLAN.stub
    assert f"{clock_text(BUDGET)} left" in panel.countdown.value
    assert "Stage 1 of 4: get and put in O(1)" in panel.stage_text.value
    assert "q01_solution.py" in panel.file.value
    assert PLAN.clarifications[0] in panel.brief.value
    assert running(panel)
    assert not panel.ticking  # no event loop in a plain test: nothing ticks by itself
    assert panel.card.value == panel.scorecard.value == ""


def test_a_failing_check_of_the_stub_shows_the_real_card(tmp_path: Path, fakes: Fakes) -> None:
    options = fakes.options()
    del options["grade"]  # the real grader, in its child process
    panel = InterviewPanel("q01", tmp_path, **options)
    outcome = panel.check()
    assert outcome is not None and not outcome.passed
    assert "0/7 cases pass" in panel.card.value
    assert "<pre" in panel.card.value
    assert "Not yet" in panel.note.value
    assert "Stage 1 of 4" in panel.stage_text.value
    assert running(panel)


def test_the_card_is_escaped_html(tmp_path: Path, fakes: Fakes) -> None:
    options = fakes.options()
    options["grade"] = lambda path, suite: Scorecard(
        suite.name, [CaseResult("<script>", False, "a < b & c")]
    )
    panel = InterviewPanel("q01", tmp_path, **options)
    panel.check()
    assert "&lt;script&gt;" in panel.card.value
    assert "a &lt; b &amp; c" in panel.card.value
    assert "<script>" not in panel.card.value


def test_a_pass_reveals_stage_two(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    solve_through(panel, 1)
    fakes.clock.advance(300)
    outcome = panel.check()
    assert outcome is not None and outcome.passed and outcome.revealed is PLAN.stages[1]
    assert "Stage 1 passed at 5:00" in panel.note.value
    assert "Stage 2 of 4: bad capacity, cached None" in panel.stage_text.value
    assert "7/7 cases pass" in panel.card.value
    assert "1 of 4 stages passed" in panel.countdown.value
    assert f"{clock_text(BUDGET - 300)} left" in panel.countdown.value
    outcome = panel.check()  # stage 2 grades stages 1 and 2: the marker says only 1 is solved
    assert outcome is not None and not outcome.passed
    assert "7/9 cases pass" in panel.card.value


def test_hints_are_counted_shown_and_run_out(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    assert panel.hint().startswith("hint 1 of 3")
    panel.hint()
    assert "hint 1 of 3: " in panel.hints.value
    assert "hint 2 of 3: " in panel.hints.value
    assert "2 hints used" in panel.countdown.value
    panel.hint()
    panel.hint()
    assert "no more hints" in panel.note.value
    assert panel.session.hints_used == 3
    solve_through(panel, 1)
    panel.check()
    assert panel.hints.value == ""  # stage 2 has its own hints, none taken yet
    assert "3 hints used" in panel.countdown.value


def test_time_running_out_finishes_and_shows_the_scorecard(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    fakes.clock.advance(BUDGET - 1)
    panel.tick()
    assert "0:01 left" in panel.countdown.value and running(panel)
    fakes.clock.advance(1)
    panel.tick()
    assert panel.finished
    assert "time ran out" in panel.scorecard.value
    assert "follow-ups to study" in panel.scorecard.value
    assert panel.stage_text.value == ""
    assert not running(panel)
    assert panel.new_button.layout.display is None
    assert fakes.saved == [0]
    panel.tick()  # ticking a finished interview changes nothing
    assert fakes.saved == [0]


def test_checking_after_the_time_is_up_ends_the_interview(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    solve_through(panel, 4)
    fakes.clock.advance(BUDGET + 5)
    panel.check()
    assert panel.finished and fakes.graded == []
    assert "scorecard" in panel.scorecard.value
    assert "Time is up" in panel.note.value


def test_passing_every_stage_ends_with_the_scorecard(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    solve_through(panel, 4)
    for _ in PLAN.stages:
        fakes.clock.advance(60)
        panel.check()
    assert panel.finished
    assert "Every stage passed" in panel.note.value
    assert "stages: 4 of 4 passed in 4:00" in panel.scorecard.value
    assert "complexity: (measured by a fake)" in panel.scorecard.value
    assert fakes.saved == [4]


def test_finish_stops_early_with_the_scorecard(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    fakes.clock.advance(90)
    scorecard = panel.finish()
    assert panel.finished and not running(panel)
    assert "stages: 0 of 4 passed in 1:30" in scorecard
    assert panel.scorecard.value.count("scorecard") == 1
    assert "Finished after 1:30" in panel.countdown.value
    assert panel.check() is None and panel.hint() == ""  # nothing to do once it is over
    assert fakes.graded == []


def test_a_restarted_kernel_resumes_the_same_stage_and_time(tmp_path: Path, fakes: Fakes) -> None:
    first = open_panel(tmp_path, fakes)
    solve_through(first, 1)
    fakes.clock.advance(200)
    first.check()
    first.hint()
    edited = first.session.solution.read_text()
    fakes.clock.advance(100)
    del first  # the kernel restarts: only the files remain

    again = open_panel(tmp_path, fakes)
    assert again.session.solution.read_text() == edited  # no new stub over the candidate's work
    assert "Stage 2 of 4" in again.stage_text.value
    assert f"{clock_text(BUDGET - 300)} left" in again.countdown.value
    assert "hint 1 of 2: " in again.hints.value
    assert "1 of 4 stages passed" in again.countdown.value


def test_a_session_whose_time_ran_out_meanwhile_opens_on_its_scorecard(
    tmp_path: Path, fakes: Fakes
) -> None:
    open_panel(tmp_path, fakes)
    fakes.clock.advance(BUDGET + 3600)  # the kernel was down while the time ran out
    panel = open_panel(tmp_path, fakes)
    assert panel.finished and "time ran out" in panel.scorecard.value
    assert f"Finished after {clock_text(BUDGET)}" in panel.countdown.value
    assert fakes.saved == [0]


def test_interview_returns_the_view_and_resumes(tmp_path: Path, fakes: Fakes) -> None:
    view = interview("q01", directory=tmp_path, minutes=10, **fakes.options())
    assert isinstance(view, InterviewView)
    assert "10:00 left" in view.panel.countdown.value
    fakes.clock.advance(61)
    again = interview("q01", directory=tmp_path, minutes=30, **fakes.options())
    assert "8:59 left" in again.panel.countdown.value  # minutes count for a new session only


def test_what_the_progress_file_said_is_shown(tmp_path: Path, fakes: Fakes) -> None:
    options = {**fakes.options(), "save_progress": lambda session: "progress.json was corrupt"}
    panel = InterviewPanel("q01", tmp_path, **options)
    panel.finish()
    assert "Progress: progress.json was corrupt" in panel.note.value


def test_a_finished_interview_offers_a_new_attempt(tmp_path: Path, fakes: Fakes) -> None:
    first = open_panel(tmp_path, fakes)
    solve_through(first, 1)
    first.finish()
    shown = open_panel(tmp_path, fakes)
    assert shown.finished and "scorecard" in shown.scorecard.value
    assert shown.new_button.layout.display is None
    shown.new_button.click()
    assert running(shown) and not shown.finished
    assert (tmp_path / "q01_interview-1.json").exists()
    assert "solved through stage 1" in (tmp_path / "q01_solution-1.py").read_text()
    assert (tmp_path / "q01_solution.py").read_text() == PLAN.stub
    assert shown.scorecard.value == shown.card.value == ""
    assert "Stage 1 of 4" in shown.stage_text.value


def test_the_buttons_call_the_same_methods(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    panel.hint_button.click()
    assert panel.session.hints_used == 1
    panel.check_button.click()
    assert fakes.graded == [PLAN.stage_suite(1).name]
    assert "0/7 cases pass" in panel.card.value
    panel.finish_button.click()
    assert panel.finished and fakes.saved == [0]


def test_what_a_terminal_does_shows_on_the_next_tick(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    terminal = Session.load("q01", tmp_path, **fakes.options())
    assert terminal is not None
    terminal.hint()  # tarento-lab interview q01 --hint, in a terminal
    panel.tick()
    assert "1 hint used" in panel.countdown.value
    assert "hint 1 of 3: " in panel.hints.value
    panel.hint()  # the panel acts on the session as it is on disk, not on a stale copy
    reloaded = Session.load("q01", tmp_path, **fakes.options())
    assert reloaded is not None and reloaded.hints_used == 2


def test_a_file_that_cannot_be_graded_is_reported_in_one_line(tmp_path: Path, fakes: Fakes) -> None:
    options = fakes.options()
    del options["grade"]  # the real grader reads the file first
    panel = InterviewPanel("q01", tmp_path, **options)
    panel.session.solution.write_text("class LRUCache(:\n")
    assert panel.check() is None
    assert "Cannot grade q01_solution.py" in panel.note.value
    panel.session.solution.write_text("class A: ...\nclass B: ...\n")
    assert panel.check() is None
    assert "found A, B" in panel.note.value
    assert running(panel)


def test_a_damaged_session_file_is_reported_not_raised(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes)
    Session.state_path("q01", tmp_path).write_text("{not json")
    panel.tick()
    assert "delete it to start again" in panel.note.value
    assert panel.check() is None and fakes.graded == []


@pytest.mark.asyncio
async def test_on_a_running_loop_a_task_counts_down_to_the_scorecard(
    tmp_path: Path, fakes: Fakes
) -> None:
    panel = open_panel(tmp_path, fakes, minutes=1, asleep=fakes.clock.asleep)
    assert panel.ticking
    for _ in range(1000):  # FakeClock.asleep advances a second and yields: no waiting
        if not panel.ticking:
            break
        await asyncio.sleep(0)
    assert panel.finished and not panel.ticking
    assert fakes.clock.sleeps == [1.0] * 60
    assert "time ran out" in panel.scorecard.value


@pytest.mark.asyncio
async def test_closing_the_view_cancels_the_countdown(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes, asleep=fakes.clock.asleep)
    task = panel._task
    assert task is not None
    await asyncio.sleep(0)
    panel.view.close()
    assert not panel.ticking
    await asyncio.sleep(0)
    assert task.cancelled()
    assert not panel.finished  # closing the view leaves the session running on disk
    state = json.loads(Session.state_path("q01", tmp_path).read_text())
    assert state["finished_at"] is None


@pytest.mark.asyncio
async def test_finishing_ends_the_countdown(tmp_path: Path, fakes: Fakes) -> None:
    panel = open_panel(tmp_path, fakes, asleep=fakes.clock.asleep)
    await asyncio.sleep(0)
    panel.finish()
    assert not panel.ticking


def test_only_the_widget_module_loads_ipywidgets() -> None:
    code = (
        "import sys, tarento_lib.interview.session, tarento_lib.interview.plan, tarento_lib.lab\n"
        "print('ipywidgets' in sys.modules)\n"
        "from tarento_lib.lab import interview\n"
        "print('ipywidgets' in sys.modules, interview.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "tarento_lib.interview.widget"]
