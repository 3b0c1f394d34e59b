"""The progress file: every finished mock interview, and the best result per question.

One JSON file, ``progress.json``, in the user's data directory (``platformdirs``) unless a
directory is given::

    {"format": 1, "attempts": [{"question": "q01", "stages_passed": 3, "stages_total": 4,
                                "seconds": 1234.5, "hints": 1,
                                "finished_at": "2026-12-03T21:05:00+00:00"}, ...]}

Nothing is lost. A writer takes a lock on the sibling ``progress.json.lock`` around its
read-modify-write and replaces the file in one step (a temporary file in the same directory,
then ``os.replace``), so two sessions finishing at once keep both records and a reader never
sees half a file. A file this version cannot read (not JSON, the wrong shape, another format)
is moved aside to ``progress.json.bad-<timestamp>`` and a fresh one starts; the snapshot that
follows carries a one-line ``notice`` saying so. A directory that cannot be written raises
:class:`ProgressFileError` with a one-line message; the file stays as it was.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from platformdirs import user_data_path

from tarento_lib._validate import require_instance, require_int, require_number, require_str
from tarento_lib.questions import QUESTIONS

__all__ = [
    "FORMAT",
    "Attempt",
    "Progress",
    "ProgressFileError",
    "ProgressRow",
    "ProgressStore",
    "format_rows",
    "progress_rows",
]

FORMAT = 1
FILE_NAME = "progress.json"
LOCK_TIMEOUT = 30.0  # seconds: a writer holds the lock for milliseconds
_QUESTION = re.compile(r"q\d{2}")


class ProgressFileError(Exception):
    """The progress file cannot be read or written at all; the message is one line."""


@dataclass(frozen=True)
class Attempt:
    """One finished mock interview of one question."""

    question: str  # "q01"
    stages_passed: int
    stages_total: int
    seconds: float  # time spent
    hints: int  # hints used
    finished_at: datetime  # aware; kept in UTC

    def __post_init__(self) -> None:
        require_str(self.question, "question")
        if not _QUESTION.fullmatch(self.question):
            raise ValueError(f"question must look like 'q01', got {self.question!r}")
        total = require_int(self.stages_total, "stages_total", minimum=1)
        require_int(self.stages_passed, "stages_passed", minimum=0, maximum=total)
        object.__setattr__(self, "seconds", require_number(self.seconds, "seconds", minimum=0))
        require_int(self.hints, "hints", minimum=0)
        finished = require_instance(self.finished_at, "finished_at", datetime)
        if finished.utcoffset() is None:
            raise ValueError("finished_at must be an aware datetime (with a time zone), got naive")
        object.__setattr__(self, "finished_at", finished.astimezone(UTC))

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "finished_at": self.finished_at.isoformat()}

    @classmethod
    def from_json(cls, data: Any) -> Attempt:
        """The attempt stored as ``data``; ``ValueError`` or ``TypeError`` if it is not one."""
        if not isinstance(data, dict):
            raise TypeError(f"an attempt must be an object, got {type(data).__name__}")
        stamp = require_str(data.get("finished_at"), "finished_at")
        return cls(**{**data, "finished_at": datetime.fromisoformat(stamp)})


@dataclass(frozen=True)
class ProgressRow:
    """One question's line of the progress table; ``attempts == 0`` when never tried."""

    number: str
    title: str
    attempts: int
    best: Attempt | None  # the furthest stage, then the shortest time, then the fewest hints
    last: datetime | None

    @property
    def cells(self) -> tuple[str, ...]:
        """The row as printed: number, title, best stage, best time, hints, last, attempts."""
        if self.best is None or self.last is None:
            return (self.number, self.title, "-", "-", "-", "-", "0")
        best = self.best
        return (
            self.number,
            self.title,
            f"{best.stages_passed}/{best.stages_total}",
            _minutes_seconds(best.seconds),
            str(best.hints),
            self.last.date().isoformat(),
            str(self.attempts),
        )


@dataclass(frozen=True)
class Progress:
    """What the file held when read; ``notice`` says when a bad file was just set aside."""

    attempts: tuple[Attempt, ...] = ()
    notice: str | None = None

    def rows(self) -> list[ProgressRow]:
        return progress_rows(self.attempts)


def progress_rows(attempts: Iterable[Attempt]) -> list[ProgressRow]:
    """One row per question of the lab, in question order."""
    by_question: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_question.setdefault(attempt.question, []).append(attempt)
    rows = []
    for entry in QUESTIONS:
        tried = by_question.get(entry.number, [])
        best = min(tried, key=_rank, default=None)
        last = max((a.finished_at for a in tried), default=None)
        rows.append(ProgressRow(entry.number, entry.title, len(tried), best, last))
    return rows


def _rank(attempt: Attempt) -> tuple[int, float, int]:
    return (-attempt.stages_passed, attempt.seconds, attempt.hints)


def _minutes_seconds(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


HEADER = ("question", "title", "best stage", "best time", "hints", "last attempt", "attempts")


def format_rows(rows: Iterable[ProgressRow]) -> str:
    """The progress table, columns aligned."""
    table = [HEADER, *(row.cells for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


class ProgressStore:
    """The progress file in ``directory`` (default: the user's data directory for the lab)."""

    def __init__(self, directory: Path | str | None = None) -> None:
        if directory is None:
            directory = user_data_path("tarento-lab")
        self.directory = Path(require_instance(directory, "directory", (Path, str)))
        self.path = self.directory / FILE_NAME
        self._lock = FileLock(self.directory / f"{FILE_NAME}.lock", timeout=LOCK_TIMEOUT)

    def __repr__(self) -> str:
        return f"ProgressStore({str(self.directory)!r})"

    def read(self) -> Progress:
        """Every recorded attempt. Readers take no lock: a writer replaces the file whole."""
        try:
            return Progress(self._parse())
        except FileNotFoundError:
            return Progress()
        except _BadFile:
            with self._locked():  # set it aside once, even when several readers find it
                return self._read_or_recover()

    def record(self, attempt: Attempt) -> Progress:
        """Append ``attempt``; returns the file's content after it (with the ``notice`` of a
        bad file set aside on the way: the attempt is then the first of a fresh file)."""
        require_instance(attempt, "attempt", Attempt)
        with self._locked():
            before = self._read_or_recover()
            after = Progress((*before.attempts, attempt), before.notice)
            self._write(after.attempts)
        return after

    def attempts(self) -> list[Attempt]:
        return list(self.read().attempts)

    def rows(self) -> list[ProgressRow]:
        return self.read().rows()

    def _parse(self) -> tuple[Attempt, ...]:
        """The attempts in the file; ``_BadFile`` saying why when this version cannot read it."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise
        except (OSError, UnicodeDecodeError) as error:
            raise _BadFile(f"cannot be read ({_reason(error)})") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise _BadFile(f"is not valid JSON ({error})") from error
        if not isinstance(data, dict) or "format" not in data:
            raise _BadFile("has no format number (written before format 1)")
        if data["format"] != FORMAT:
            raise _BadFile(f"is in format {data['format']!r}; this version reads format {FORMAT}")
        records = data.get("attempts")
        if not isinstance(records, list):
            raise _BadFile("has no list of attempts")
        try:
            return tuple(Attempt.from_json(record) for record in records)
        except (TypeError, ValueError) as error:
            raise _BadFile(f"holds an attempt this version cannot read ({error})") from error

    def _read_or_recover(self) -> Progress:
        """Under the lock: the file's attempts, or a fresh start with the bad file set aside."""
        try:
            return Progress(self._parse())
        except FileNotFoundError:
            return Progress()
        except _BadFile as bad:
            moved = self._set_aside(bad)
            self._write(())
            return Progress(
                notice=f"progress file {self.path} {bad}; moved it to {moved.name} "
                "and started a fresh one"
            )

    def _set_aside(self, bad: _BadFile) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{FILE_NAME}.bad-{stamp}")
        suffix = 1
        while target.exists():
            suffix += 1
            target = self.path.with_name(f"{FILE_NAME}.bad-{stamp}-{suffix}")
        try:
            os.replace(self.path, target)
        except OSError as error:
            raise ProgressFileError(
                f"progress file {self.path} {bad}, and cannot be moved aside ({_reason(error)})"
            ) from error
        return target

    def _write(self, attempts: Iterable[Attempt]) -> None:
        """Replace the file in one step: a temporary file beside it, then ``os.replace``."""
        data = {"format": FORMAT, "attempts": [attempt.to_json() for attempt in attempts]}
        name: str | None = None
        try:
            handle, name = tempfile.mkstemp(dir=self.directory, prefix=f".{FILE_NAME}.")
            with open(handle, "w", encoding="utf-8") as temporary:
                json.dump(data, temporary, indent=2)
                temporary.flush()
                os.fsync(temporary.fileno())
            os.replace(name, self.path)
        except OSError as error:
            if name is not None:
                Path(name).unlink(missing_ok=True)
            raise ProgressFileError(
                f"cannot write the progress file {self.path} ({_reason(error)})"
            ) from error

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the lock file beside the progress file (creating the directory if need be)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ProgressFileError(
                f"cannot create the progress directory {self.directory} ({_reason(error)})"
            ) from error
        try:
            self._lock.acquire()
        except Timeout as error:
            raise ProgressFileError(
                f"another session has held {self._lock.lock_file} for {LOCK_TIMEOUT:g} s"
            ) from error
        except OSError as error:
            raise ProgressFileError(
                f"cannot lock the progress file in {self.directory} ({_reason(error)})"
            ) from error
        try:
            yield
        finally:
            self._lock.release()


class _BadFile(Exception):
    """The file exists but this version cannot read it; the message says why."""


def _reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
