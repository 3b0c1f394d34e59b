"""The progress file: round trip, the table, bad files set aside, concurrent writers, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from platformdirs import user_data_path

from tarento_lib import cli
from tarento_lib.interview.progress import (
    Attempt,
    ProgressFileError,
    ProgressStore,
    format_rows,
)
from tarento_lib.questions import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def attempt(
    question: str = "q01",
    passed: int = 2,
    *,
    total: int = 4,
    seconds: float = 600.0,
    hints: int = 0,
    day: int = 0,
) -> Attempt:
    return Attempt(question, passed, total, seconds, hints, NOON + timedelta(days=day))


def test_attempts_survive_a_round_trip_through_the_file(tmp_path: Path) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    first = Attempt("q01", 3, 4, 1234.5, 1, datetime(2026, 12, 3, 17, 30, tzinfo=india))
    second = attempt("q07", 1, total=5, seconds=90, hints=2)
    ProgressStore(tmp_path).record(first)
    ProgressStore(tmp_path).record(second)

    assert ProgressStore(tmp_path).attempts() == [first, second]
    assert first.finished_at == NOON and first.finished_at.tzinfo is UTC
    stored = json.loads((tmp_path / "progress.json").read_text())
    assert stored["format"] == 1
    assert stored["attempts"][0] == {
        "question": "q01",
        "stages_passed": 3,
        "stages_total": 4,
        "seconds": 1234.5,
        "hints": 1,
        "finished_at": "2026-12-03T12:00:00+00:00",
    }


def test_an_empty_store_reads_nothing_and_creates_nothing(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "not-yet")
    assert store.attempts() == []
    assert store.read().notice is None
    assert not (tmp_path / "not-yet").exists()


def test_the_default_directory_is_the_users_data_directory() -> None:
    assert ProgressStore().path == user_data_path("tarento-lab") / "progress.json"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("Q1", 2, 4, 60.0, 0), "question must look like 'q01'"),
        (("q01", 5, 4, 60.0, 0), r"stages_passed must be an int in \[0, 4\], got 5"),
        (("q01", 0, 0, 60.0, 0), "stages_total must be an int >= 1"),
        (("q01", 2, 4, -1.0, 0), "seconds must be a finite number >= 0"),
        (("q01", 2, 4, 60.0, -1), "hints must be an int >= 0"),
    ],
)
def test_an_attempt_checks_its_fields(
    fields: tuple[str, int, int, float, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Attempt(*fields, NOON)


def test_an_attempt_needs_an_aware_finish_time() -> None:
    with pytest.raises(ValueError, match="finished_at must be an aware datetime"):
        Attempt("q01", 1, 4, 60.0, 0, datetime(2026, 12, 3, 12, 0))
    with pytest.raises(TypeError, match="finished_at must be a datetime, got str"):
        Attempt("q01", 1, 4, 60.0, 0, "2026-12-03")


def test_rows_keep_the_best_stage_its_best_time_and_the_last_attempt(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    for record in (
        attempt("q01", 2, seconds=400, hints=3, day=0),
        attempt("q01", 3, seconds=1500, hints=2, day=1),
        attempt("q01", 3, seconds=1200, hints=1, day=2),  # the best: stage 3, fastest
        attempt("q01", 1, seconds=100, hints=0, day=3),  # faster, but a lower stage
        attempt("q05", 4, total=4, seconds=61, day=-1),
    ):
        store.record(record)
    rows = {row.number: row for row in store.rows()}

    assert list(rows) == [entry.number for entry in QUESTIONS]
    assert rows["q01"].cells == ("q01", "LRU cache", "3/4", "20:00", "1", "2026-12-06", "4")
    assert rows["q05"].cells[2:] == ("4/4", "1:01", "0", "2026-12-02", "1")
    assert rows["q02"].cells[2:] == ("-", "-", "-", "-", "0")


def test_the_table_aligns_its_columns(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.record(attempt("q03", 1, seconds=59.6))
    lines = format_rows(store.rows()).splitlines()
    assert len(lines) == 1 + len(QUESTIONS)
    assert lines[3].split() == [
        "q03",
        "Trie",
        "autocomplete",
        "1/4",
        "1:00",
        "0",
        "2026-12-03",
        "1",
    ]
    assert lines[3].index("1/4") == lines[0].index("best stage")
    assert lines[3].index("2026-12-03") == lines[0].index("last attempt")


def _bad_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("progress.json.bad-*"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "is not valid JSON"),
        ('{"format": 1, "attempts": [{"question": "q01"}]}', "holds an attempt this version"),
        ('{"format": 1, "attempts": {}}', "has no list of attempts"),
        (b"\xff\xfe\x00garbage", "cannot be read"),
    ],
    ids=["not-json", "bad-attempt", "bad-shape", "not-utf8"],
)
def test_a_corrupt_file_is_set_aside_with_one_line(
    tmp_path: Path, content: str | bytes, reason: str
) -> None:
    path = tmp_path / "progress.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    store = ProgressStore(tmp_path)
    progress = store.read()

    assert progress.attempts == ()
    assert progress.notice is not None and "\n" not in progress.notice
    assert reason in progress.notice
    (moved,) = _bad_files(tmp_path)
    assert moved.name in progress.notice and "started a fresh one" in progress.notice
    assert moved.read_bytes() == (content if isinstance(content, bytes) else content.encode())
    assert store.read().notice is None  # the fresh file reads cleanly
    assert json.loads(path.read_text()) == {"format": 1, "attempts": []}


def test_recording_over_a_corrupt_file_keeps_the_new_attempt(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text("[1, 2")
    store = ProgressStore(tmp_path)
    progress = store.record(attempt())
    assert progress.notice is not None and "is not valid JSON" in progress.notice
    assert store.attempts() == [attempt()]
    assert len(_bad_files(tmp_path)) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([{"question": "q01"}], "has no format number (written before format 1)"),
        ({"attempts": []}, "has no format number"),
        ({"format": 0, "attempts": []}, "is in format 0; this version reads format 1"),
        ({"format": 2, "attempts": []}, "is in format 2; this version reads format 1"),
    ],
    ids=["bare-list", "no-format", "older", "newer"],
)
def test_another_format_is_set_aside_not_misread(tmp_path: Path, data: object, reason: str) -> None:
    (tmp_path / "progress.json").write_text(json.dumps(data))
    progress = ProgressStore(tmp_path).read()
    assert progress.notice is not None and reason in progress.notice
    (moved,) = _bad_files(tmp_path)
    assert json.loads(moved.read_text()) == data


def test_two_bad_files_in_the_same_second_keep_both(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    for text in ("first", "second"):
        (tmp_path / "progress.json").write_text(text)
        assert store.read().notice is not None
    assert sorted(path.read_text() for path in _bad_files(tmp_path)) == ["first", "second"]


def test_a_directory_that_cannot_be_written_gives_a_clear_error(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("a file where the directory should be")
    store = ProgressStore(occupied)
    with pytest.raises(ProgressFileError, match="cannot create the progress directory") as error:
        store.record(attempt())
    assert str(occupied) in str(error.value) and "\n" not in str(error.value)
    assert occupied.read_text() == "a file where the directory should be"


def _refuse(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied")


@pytest.mark.parametrize("step", ["mkstemp", "replace"])
def test_a_failed_write_keeps_the_old_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    store = ProgressStore(tmp_path)
    store.record(attempt())
    monkeypatch.setattr(tempfile if step == "mkstemp" else os, step, _refuse)
    with pytest.raises(ProgressFileError, match=r"cannot write the progress file .*Permission"):
        store.record(attempt(day=1))
    monkeypatch.undo()
    assert store.attempts() == [attempt()]
    assert {p.name for p in tmp_path.iterdir()} == {"progress.json", "progress.json.lock"}


def test_a_bad_file_that_cannot_be_moved_aside_is_left_alone_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "progress.json").write_text("{not json")
    monkeypatch.setattr(os, "replace", _refuse)
    with pytest.raises(ProgressFileError) as error:
        ProgressStore(tmp_path).read()
    monkeypatch.undo()
    assert "is not valid JSON" in str(error.value)
    assert str(error.value).endswith("and cannot be moved aside (Permission denied)")
    assert (tmp_path / "progress.json").read_text() == "{not json"


WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path

from tarento_lib.interview.progress import Attempt, ProgressStore

store = ProgressStore(Path(sys.argv[1]))
writer = int(sys.argv[2])
for i in range(int(sys.argv[3])):
    store.record(Attempt("q01", 1, 4, float(i), writer, datetime(2026, 12, 3, tzinfo=UTC)))
"""


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    writers, each = 8, 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(writer), str(each)], env=env
        )
        for writer in range(writers)
    ]
    assert [process.wait(timeout=300) for process in processes] == [0] * writers

    recorded = [(a.hints, int(a.seconds)) for a in ProgressStore(tmp_path).attempts()]
    assert sorted(recorded) == [(w, i) for w in range(writers) for i in range(each)]
    leftovers = {p.name for p in tmp_path.iterdir()} - {"progress.json", "progress.json.lock"}
    assert leftovers == set()  # no temporary file left behind


def test_cli_prints_a_row_per_question_for_an_empty_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["progress", "--dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        *("question", "title", "best", "stage", "best", "time"),
        *("hints", "last", "attempt", "attempts"),
    ]
    assert [line.split()[0] for line in lines[1:]] == [entry.number for entry in QUESTIONS]
    assert all(line.split()[-5:] == ["-", "-", "-", "-", "0"] for line in lines[1:])


def test_cli_prints_the_best_of_a_filled_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ProgressStore(tmp_path)
    store.record(attempt("q01", 2, seconds=700, hints=3))
    store.record(attempt("q01", 4, seconds=1805, hints=1, day=1))
    store.record(attempt("q10", 1, total=3, seconds=5))
    assert cli.main(["progress", "--dir", str(tmp_path)]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["q01"].split()[-5:] == ["4/4", "30:05", "1", "2026-12-04", "2"]
    assert rows["q10"].split()[-5:] == ["1/3", "0:05", "0", "2026-12-03", "1"]
    assert rows["q02"].split()[-5:] == ["-", "-", "-", "-", "0"]


def test_cli_on_a_corrupt_file_prints_one_line_and_a_fresh_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "progress.json").write_text('{"format": 0}')
    assert cli.main(["progress", "--dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"tarento-lab: progress file {tmp_path / 'progress.json'}")
    assert len(captured.out.splitlines()) == 1 + len(QUESTIONS)


def test_cli_on_an_unwritable_directory_exits_with_the_message(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.write_text("not a directory")
    with pytest.raises(SystemExit, match=r"^tarento-lab: cannot create the progress directory"):
        cli.main(["progress", "--dir", str(occupied)])
