"""The mock interview in JupyterLab: the session ``tarento-lab interview`` runs, as a widget.

``interview("q01")`` in a cell shows the countdown, the interviewer's current request, the
file to edit, Check / Hint / Finish buttons, the last grading card and, at the end, the
scorecard. The session lives in its file on disk and every action reads it afresh, so the
widget and the command share one session, and after a kernel restart the next
``interview("q01")`` carries on where it was.

:class:`InterviewPanel` is the state machine the widget shows; tests drive it without a
browser. This is the only module of ``tarento_lib.interview`` that imports ipywidgets, and
notebooks reach it lazily through ``tarento_lib.lab``.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from tarento_lib._validate import require_callable
from tarento_lib.interview.session import CheckOutcome, Session, SessionError, clock_text
from tarento_lib.questions import question

__all__ = ["InterviewPanel", "InterviewView", "interview"]

TICK_SECONDS = 1.0
# What a check can meet in the candidate's file: a syntax error, no class (or two), no file.
_UNGRADABLE = (SyntaxError, LookupError, OSError, UnicodeDecodeError)


def _pre(text: str) -> str:
    """``text`` as monospace HTML, escaped, long lines wrapped ("" stays empty)."""
    if not text:
        return ""
    return f'<pre style="white-space: pre-wrap; margin: 0">{html.escape(text)}</pre>'


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class InterviewView(widgets.VBox):
    """The widget :func:`interview` returns; closing it stops the countdown."""

    def __init__(self, panel: InterviewPanel, children: list[widgets.Widget]) -> None:
        super().__init__(children=children, layout={"max_width": "900px"})
        self.panel = panel

    def close(self) -> None:
        self.panel.stop()
        super().close()


class InterviewPanel:
    """One mock interview as a widget's state: start or resume, check, hint, finish, tick.

    ``options`` go to :class:`Session` (``clock``, ``grade``, ``measure``, ``findings``,
    ``save_progress``); ``asleep`` paces the countdown. On a running event loop (a live
    kernel) a task calls :meth:`tick` every second until the interview ends or the view
    closes; without one (a test) nothing ticks unless the caller calls :meth:`tick`.
    """

    def __init__(
        self,
        number: str,
        directory: str | Path = "interview",
        *,
        minutes: float | None = None,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **options: Any,
    ) -> None:
        self.number = question(number).number
        self.directory = Path(directory)
        self._minutes = minutes
        self._asleep = require_callable(asleep, "asleep")
        self._options = options
        self._task: asyncio.Task[None] | None = None
        loaded = Session.load(self.number, self.directory, **options)
        self.session = loaded or self._start()
        self._build()
        self.tick()  # a session whose time ran out while no kernel watched ends here
        self.start_ticking()

    def _start(self) -> Session:
        return Session.start(self.number, self.directory, minutes=self._minutes, **self._options)

    # -- the widgets ------------------------------------------------------------------------

    def _build(self) -> None:
        entry = question(self.number)
        self.title = widgets.HTML(f"<b>{entry.number.upper()} · {html.escape(entry.title)}</b>")
        self.countdown = widgets.HTML()
        plan = self.session.plan
        clarifications = "".join(f"<li>{html.escape(line)}</li>" for line in plan.clarifications)
        self.brief = widgets.HTML(
            f"<p>{html.escape(plan.brief)}</p>"
            f"<p>What the interviewer answers when asked:</p><ul>{clarifications}</ul>"
        )
        self.stage_text = widgets.HTML()
        self.file = widgets.HTML()
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.hint_button = widgets.Button(description="Hint")
        self.finish_button = widgets.Button(description="Finish")
        self.new_button = widgets.Button(description="New attempt", button_style="warning")
        self.check_button.on_click(lambda _: self.check())
        self.hint_button.on_click(lambda _: self.hint())
        self.finish_button.on_click(lambda _: self.finish())
        self.new_button.on_click(lambda _: self.new_attempt())
        self.note = widgets.HTML()
        self.hints = widgets.HTML()
        self.card = widgets.HTML()
        self.scorecard = widgets.HTML()
        buttons = [self.check_button, self.hint_button, self.finish_button, self.new_button]
        self.view = InterviewView(
            self,
            [
                self.title,
                self.countdown,
                self.brief,
                self.stage_text,
                self.file,
                widgets.HBox(buttons),
                self.note,
                self.hints,
                self.card,
                self.scorecard,
            ],
        )

    def _show(self) -> None:
        """Make every part of the view say what the session says."""
        session = self.session
        running = not session.finished
        self.countdown.value = f"<b>{html.escape(self._clock_line())}</b>"
        self.stage_text.value = _pre(session.ask()) if running else ""
        self.file.value = (
            f"Edit <code>{html.escape(str(session.solution))}</code> in JupyterLab's editor, "
            "save it, then press Check."
            if running
            else ""
        )
        self.hints.value = _pre(self._hint_lines()) if running else ""
        self.scorecard.value = "" if running else _pre(session.scorecard)
        for button in (self.check_button, self.hint_button, self.finish_button):
            button.disabled = not running
        self.new_button.layout.display = "none" if running else None

    def _hint_lines(self) -> str:
        stage, shown = self.session.stage, self.session.hints_shown
        total = len(stage.hints) if stage is not None else 0
        return "\n".join(f"hint {i} of {total}: {text}" for i, text in enumerate(shown, 1))

    def _clock_line(self) -> str:
        session = self.session
        total = len(session.plan.stages)
        passed = f"{session.stages_passed} of {total} stages passed"
        hints = f"{_plural(session.hints_used, 'hint')} used"
        if session.finished:
            return f"Finished after {clock_text(session.elapsed)}: {passed}, {hints}"
        left = session.remaining
        when = f"{clock_text(left)} left" if left > 0 else "time is up"
        return f"{when} · stage {session.stage_number} of {total} · {passed} · {hints}"

    def _say(self, text: str) -> None:
        self.note.value = html.escape(text)

    def _ended(self, why: str) -> None:
        """Say that the interview ended, and what recording it in the progress file said."""
        notice = self.session.progress_notice
        self._say(f"{why}: the scorecard is below." + (f" Progress: {notice}" if notice else ""))

    # -- the actions ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.session.finished

    def _reload(self) -> bool:
        """Read the session afresh (a terminal may have acted on it); ``False`` when its file
        cannot be used, which the note then says."""
        try:
            loaded = Session.load(self.number, self.directory, **self._options)
        except SessionError as exc:
            self._say(str(exc))
            return False
        if loaded is not None:
            self.session = loaded
        return True

    def check(self) -> CheckOutcome | None:
        """Grade the current stage and show its card; a pass reveals the next follow-up."""
        if not self._reload() or self.session.finished:
            self._show()
            return None
        stage = self.session.stage_number
        self._say(f"Grading stage {stage}…")
        self._busy(True)
        try:
            outcome = self.session.check()
        except _UNGRADABLE as exc:
            self._say(f"Cannot grade {self.session.solution.name}: {exc}")
            return None
        finally:
            self._busy(False)
            self._show()
        card = outcome.card
        self.card.value = _pre(card.render()) if card.results or card.problem else ""
        if outcome.revealed is not None:
            self._say(
                f"Stage {stage} passed at {clock_text(self.session.elapsed)}. "
                "The interviewer's next question is above."
            )
        elif outcome.scorecard:
            self.stop()
            self._ended("Every stage passed" if outcome.passed else "Time is up")
        else:
            self._say(f"Not yet: {clock_text(self.session.remaining)} left. Hint shows a hint.")
        return outcome

    def hint(self) -> str:
        """Take the next hint of the current stage (counted on the scorecard)."""
        if not self._reload() or self.session.finished:
            self._show()
            return ""
        text = self.session.hint()
        if self.session.finished:  # time was up: asking for a hint ended the interview
            self.stop()
            self._ended("Time is up")
        else:
            self._say("" if text.startswith("hint ") else text)
        self._show()
        return text

    def finish(self) -> str:
        """End the interview now and show the scorecard."""
        if not self._reload():
            return ""
        self._busy(True)
        try:
            scorecard = self.session.finish()
        finally:
            self._busy(False)
        self.stop()
        self._ended("The interview is over")
        self._show()
        return scorecard

    def new_attempt(self) -> None:
        """After the scorecard: archive this attempt, write a fresh stub, start the clock."""
        if not self._reload():
            return
        if not self.session.finished:
            self._show()
            return
        self.session = self._start()
        self.card.value = ""
        self._say("A new attempt: the clock is running.")
        self._show()
        self.start_ticking()

    def tick(self) -> None:
        """Refresh the countdown; when the time is up, finish and show the scorecard."""
        if not self._reload():
            return
        if self.session.time_is_up:
            self.session.finish()
            self._ended("Time is up")  # the countdown's loop ends by itself
        self._show()

    def _busy(self, busy: bool) -> None:
        for button in (self.check_button, self.hint_button, self.finish_button):
            button.disabled = busy

    # -- the countdown ----------------------------------------------------------------------

    @property
    def ticking(self) -> bool:
        return self._task is not None and not self._task.done()

    def start_ticking(self) -> None:
        """Tick once a second on the running event loop (none: a test ticks by hand)."""
        if self.ticking or self.session.finished:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._count_down())

    async def _count_down(self) -> None:
        while not self.session.finished:
            await self._asleep(TICK_SECONDS)
            self.tick()

    def stop(self) -> None:
        """Stop the countdown (the session on disk is untouched)."""
        if self._task is not None:
            self._task.cancel()
        self._task = None


def interview(
    number: str,
    directory: str | Path = "interview",
    *,
    minutes: float | None = None,
    **options: Any,
) -> InterviewView:
    """A mock interview of question ``number`` as a widget, on the session in ``directory``.

    The first call writes the stub (``directory/qNN_solution.py``) and starts the clock; a
    later call (a re-run cell, a restarted kernel) shows the same session, with the time it
    has left; a finished one shows its scorecard and a "New attempt" button. ``minutes``
    sets the budget of a new session only. ``options`` go to :class:`InterviewPanel`.
    """
    return InterviewPanel(number, directory, minutes=minutes, **options).view
