"""``tarento-lab interview`` end to end in a folder of its own: start, hint, check, resume,
finish, and the progress it leaves (the real grader, measurement and ruff)."""

from __future__ import annotations

import pytest

from tarento_lib.cli import main
from tests.model_answers import answer_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_whole_q01_session_from_the_terminal(tmp_path, capsys) -> None:
    folder = str(tmp_path)
    code, out, _ = run(capsys, "interview", "q01", "--dir", folder)
    assert code == 0 and "Stage 1 of 4" in out and "The clock is running" in out
    assert (tmp_path / "q01_solution.py").exists()

    code, out, _ = run(capsys, "interview", "q01", "--dir", folder, "--check")
    assert code == 1 and "0/7 cases pass" in out and "--hint shows a hint" in out

    code, out, _ = run(capsys, "interview", "q01", "--dir", folder, "--hint")
    assert code == 0 and out.startswith("hint 1 of 3")

    answer = answer_path("q01")
    assert answer is not None
    (tmp_path / "q01_solution.py").write_text(answer.read_text())
    code, out, _ = run(capsys, "interview", "q01", "--dir", folder, "--check")
    assert code == 0 and "Stage 1 passed" in out and "Stage 2 of 4" in out

    code, out, _ = run(capsys, "interview", "q01", "--dir", folder)  # a new terminal: resume
    assert code == 0 and "1 of 4 stages passed, 1 hint used" in out

    code, out, _ = run(capsys, "interview", "q01", "--dir", folder, "--finish")
    assert code == 0 and "stages: 1 of 4 passed" in out
    assert "complexity:" in out and "ruff:" in out and "follow-ups to study:" in out

    code, out, _ = run(capsys, "progress", "--dir", folder)
    row = next(line for line in out.splitlines() if line.startswith("q01"))
    assert "1/4" in row and row.rstrip().endswith("1")


def test_checking_without_a_session_says_how_to_start_one(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit, match="start one with: tarento-lab interview q03"):
        main(["interview", "q03", "--dir", str(tmp_path), "--check"])


def test_an_unknown_question_is_one_line(tmp_path) -> None:
    with pytest.raises(SystemExit, match="no question 'q99'"):
        main(["interview", "q99", "--dir", str(tmp_path)])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def broken(:\n", "invalid syntax"),
        ("X = 1\n", "expected one class"),
        ("class A: ...\nclass B: ...\n", "found A, B"),
    ],
)
def test_a_file_that_cannot_be_graded_is_one_line(tmp_path, capsys, source, message) -> None:
    main(["interview", "q01", "--dir", str(tmp_path)])
    (tmp_path / "q01_solution.py").write_text(source)
    with pytest.raises(SystemExit, match=f"cannot grade .*q01_solution.py: .*{message}"):
        main(["interview", "q01", "--dir", str(tmp_path), "--check"])
