"""``tarento-lab stats``: reading budgets computed from notebook files.

The computation is checked on small notebooks built here; the budget test then holds every
question notebook to the lesson budgets.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tarento_lib import cli
from tarento_lib.lab import get_suite
from tarento_lib.lab.stats import (
    BUDGETS,
    SECTIONS,
    Cell,
    budget_problems,
    format_table,
    is_assert_only,
    notebook_stats,
)
from tarento_lib.questions import NOTEBOOKS, QUESTIONS, question

new_markdown = nbformat.v4.new_markdown_cell
new_code = nbformat.v4.new_code_cell


def words(n: int) -> str:
    return " ".join(["word"] * n)


def code(n: int) -> str:
    return "\n".join(f"x{i} = {i}" for i in range(n))


def hidden(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def shown_source(lines: int) -> nbformat.NotebookNode:
    """A ``show_source`` cell with its stored output: a title line, then ``lines`` of source."""
    cell = new_code("show_source(LRUCache)")
    text = "# tarento_lib.cache.LRUCache\n" + code(lines)
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result", {"text/plain": text, "text/html": "<div>…</div>"}, execution_count=1
        )
    ]
    return cell


def write(path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


# Words of the title and the section headings, which count as prose too.
HEADING_WORDS_1_4 = 3 + 2 + 2 + 3 + 4  # "Q99 A lesson", "The question", … "Follow-ups the …"
HEADING_WORDS_1_7 = HEADING_WORDS_1_4 + 3 + 6 + 2


def lesson(tmp_path: Path, name: str = "q99_lesson.ipynb") -> Path:
    """A notebook in lesson shape: 1 minute per section 1-7 (prose or code), 2 in the appendix."""
    navigation = new_markdown(words(500))
    navigation.metadata["tarento_nav"] = "header"
    cells = [
        navigation,  # generated links: not reading
        new_markdown("# Q99 · A lesson"),
        new_markdown(f"## {SECTIONS[0]}\n\n{words(200)}"),
        new_markdown(f"## {SECTIONS[1]}\n\n{words(200)}"),
        new_markdown(f"## {SECTIONS[2]}"),
        shown_source(11),  # and the call itself: 12 lines
        hidden(new_code("assert True\n" * 30)),  # hidden asserts: not read, not on a slide
        new_markdown(f"## {SECTIONS[3]}\n\n{words(200)}"),
        new_markdown(f"## {SECTIONS[4]}"),
        new_code(code(12)),
        new_markdown(f"## {SECTIONS[5]}\n\n{words(200)}"),
        new_markdown(f"## {SECTIONS[6]}\n\n{words(100)}"),
        new_code(code(6)),
        new_markdown(f"## {SECTIONS[7]}: how it is built\n\n{words(400)}"),
    ]
    return write(tmp_path / name, cells)


def test_reading_minutes_per_section(tmp_path: Path) -> None:
    stats = notebook_stats(lesson(tmp_path), count_cases=False)
    assert stats.in_shape and stats.missing_sections == []
    # a minute per section (section 3: the call and the 11 lines it printed), plus the headings
    assert stats.minutes_1_4 == pytest.approx(4 + HEADING_WORDS_1_4 / 200)
    assert stats.minutes_1_7 == pytest.approx(7 + HEADING_WORDS_1_7 / 200)
    assert stats.minutes_appendix == pytest.approx(2 + 5 / 200)  # "Appendix: how it is built"
    assert stats.minutes_total == pytest.approx(stats.minutes_1_7 + stats.minutes_appendix)
    assert stats.code_lines == 1 + 11 + 12 + 6  # the hidden cell's 30 lines are not read
    assert stats.cases is None and stats.visible_asserts == 0 and stats.slides_over == 0
    assert budget_problems(stats) == []


def test_a_markdown_cell_with_two_section_headings_splits_its_words(tmp_path: Path) -> None:
    path = lesson(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    follow_ups = notebook.cells.pop(7)  # "## Follow-ups…" with 200 words
    notebook.cells[6] = new_markdown(f"{words(200)}\n\n{follow_ups.source}")  # after section 3
    nbformat.write(notebook, path)
    stats = notebook_stats(path, count_cases=False)
    assert stats.in_shape
    assert stats.minutes_1_4 == pytest.approx(5 + HEADING_WORDS_1_4 / 200)


def test_a_notebook_without_the_headings_counts_whole_as_sections_1_to_7(tmp_path: Path) -> None:
    path = write(
        tmp_path / "q98_old.ipynb",
        [new_markdown("# Old\n\n## The question\n\n" + words(397)), new_code(code(12))],
    )
    stats = notebook_stats(path, count_cases=False)
    assert not stats.in_shape
    assert stats.minutes_1_7 == stats.minutes_total == pytest.approx(2 + 1)
    assert stats.minutes_1_4 is None and stats.minutes_appendix is None
    assert stats.missing_sections == list(SECTIONS[1:])
    assert "not in lesson shape" in budget_problems(stats)[0]
    assert "not in lesson shape" in format_table([stats])


def test_sections_out_of_order_are_not_lesson_shape(tmp_path: Path) -> None:
    cells = [new_markdown(f"## {name}") for name in reversed(SECTIONS)]
    stats = notebook_stats(write(tmp_path / "q97.ipynb", cells), count_cases=False)
    assert not stats.in_shape and stats.missing_sections == []


def test_slides_over_40_lines_count_sources_and_outputs(tmp_path: Path) -> None:
    plot = new_code(code(30))
    plot.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="line\n" * 9),
        nbformat.v4.new_output("display_data", {"image/png": "iVBOR", "text/plain": "<Figure>"}),
    ]
    short = new_code(code(5))
    cells = [new_markdown("## A long slide"), plot, new_markdown("## A short one"), short]
    stats = notebook_stats(write(tmp_path / "q96.ipynb", cells), count_cases=False)
    assert stats.slides_over == 1
    assert stats.longest_slide == 1 + 30 + 9 + 15  # heading, code, printed lines, one plot
    assert any("1 slide(s) over 40 lines" in problem for problem in budget_problems(stats))


def test_a_hidden_assert_cell_is_left_out_of_slides(tmp_path: Path) -> None:
    cells = [new_markdown("## Claims"), hidden(new_code("assert 1 == 1\n" * 45))]
    stats = notebook_stats(write(tmp_path / "q95.ipynb", cells), count_cases=False)
    assert stats.slides_over == 0 and stats.longest_slide == 1


def test_visible_assert_only_cells_are_counted(tmp_path: Path) -> None:
    cells = [
        new_code("# the claim\nassert 1 + 1 == 2\nassert True"),  # visible: counted
        hidden(new_code("assert 2 > 1")),  # hidden: fine
        new_code("x = 1\nassert x"),  # does more than assert
        new_code("%xmode Minimal"),  # a magic, not Python
    ]
    assert [is_assert_only(Cell.from_dict(c)) for c in cells] == [True, True, False, False]
    stats = notebook_stats(write(tmp_path / "q94.ipynb", cells), count_cases=False)
    assert stats.visible_asserts == 1
    assert "1 assert-only cell(s) with visible input" in budget_problems(stats)


def test_over_budget_minutes_are_named(tmp_path: Path) -> None:
    path = lesson(tmp_path)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source += "\n\n" + words(200 * 10 - HEADING_WORDS_1_4)  # 14 min in all
    notebook.cells[-1].source += "\n\n" + words(200 * 9 - 5)  # the appendix: 11 min
    nbformat.write(notebook, path)
    problems = budget_problems(notebook_stats(path, count_cases=False))
    assert problems[:2] == [
        "sections 1-4 take 14.0 min > 10",
        "the appendix takes 11.0 min > 10",
    ]


def test_cases_come_from_the_question_suite(tmp_path: Path) -> None:
    stats = notebook_stats(lesson(tmp_path, name=question("q01").notebook))
    assert stats.cases == len(get_suite("lru").cases) > 0


def test_cli_prints_a_table_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notebooks").mkdir()
    write(tmp_path / "notebooks" / "00_start_here.ipynb", [new_markdown("# Start")])
    lesson(tmp_path / "notebooks")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["stats"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["notebook", "all", "min"]
    assert [line.split()[0] for line in table[1:]] == ["00_start_here", "q99_lesson"]
    assert table[2].endswith("lesson") and table[1].endswith("not in lesson shape")
    assert cli.main(["stats", "q99", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["notebook"] == "q99_lesson.ipynb" and row["in_shape"] is True
    assert row["minutes_1_4"] == pytest.approx(4 + HEADING_WORDS_1_4 / 200)


@pytest.mark.parametrize("number", [q.number for q in QUESTIONS])
def test_every_lesson_keeps_the_budgets(number: str) -> None:
    stats = notebook_stats(NOTEBOOKS / question(number).notebook)
    assert budget_problems(stats, BUDGETS) == []
