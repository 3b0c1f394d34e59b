"""Reading budgets of a lesson notebook, computed from the notebook file (``tarento-lab stats``).

A lesson has eight sections (the question, clarify first, the interview answer, follow-ups,
what production adds, what the typical answer gets wrong, your turn, appendix), each opened by
a ``##`` heading. For each notebook this module measures:

* reading minutes: prose at 200 words a minute (markdown cells) plus shown code at 12 lines a
  minute (code cells whose input is not hidden, and the source that ``show_source`` printed into
  the stored outputs), for the whole notebook, sections 1-7, sections 1-4 and the appendix;
* the exercise's case count, from the question's suite;
* slides over 40 lines: a screen of the exported deck (cut where the cells' ``slideshow``
  metadata starts a slide or sub-slide, as ``tarento-lab slides`` cuts it), counting the
  rendered lines of its sources and stored outputs;
* assert-only code cells whose input is visible (they belong hidden, under nbval only).

A notebook without the eight headings is "not in lesson shape": all of it counts as sections
1-7, and sections 1-4 and the appendix are not measured. The module reads notebooks as plain
JSON and imports the grader only to count cases.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tarento_lib.lab.cells import Cell, read_cells

__all__ = [
    "BUDGETS",
    "SECTIONS",
    "Cell",
    "NotebookStats",
    "budget_problems",
    "format_table",
    "notebook_stats",
]

WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 12
SLIDE_LINES = 40  # the most lines one exported slide may hold
WRAP = 100  # characters per rendered line on a slide
IMAGE_LINES = 15  # the room a stored plot takes on a slide, in lines

# The eight sections of a lesson, as the start of their ``##`` heading (matched case-blind).
SECTIONS: tuple[str, ...] = (
    "The question",
    "Clarify first",
    "The interview answer",
    "Follow-ups the interviewer asks",
    "What production adds",
    "What the typical answer gets wrong",
    "Your turn",
    "Appendix",
)
APPENDIX = len(SECTIONS)  # section numbers run 1..8; 0 is what comes before section 1


@dataclass(frozen=True)
class Budgets:
    """The limits every restructured lesson keeps (minutes, lines, cells)."""

    sections_1_7: float = 25.0
    sections_1_4: float = 10.0
    appendix: float = 10.0
    slide_lines: int = SLIDE_LINES
    visible_asserts: int = 0


BUDGETS = Budgets()


@dataclass
class NotebookStats:
    """What ``tarento-lab stats`` reports for one notebook; minutes are floats."""

    notebook: str
    in_shape: bool
    minutes_total: float = 0.0
    minutes_1_7: float = 0.0
    minutes_1_4: float | None = None  # None: not in lesson shape, not measured
    minutes_appendix: float | None = None
    cases: int | None = None  # None: no exercise (the start page)
    slides_over: int = 0
    longest_slide: int = 0
    visible_asserts: int = 0
    prose_words: int = 0
    code_lines: int = 0
    missing_sections: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- sections -------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _section_of(title: str) -> int | None:
    """The section number (1-8) a ``##`` heading opens, or None for any other heading."""
    plain = re.sub(r"^[\d.\s§·:-]+", "", title).strip().lower()  # "3. The interview answer"
    for number, name in enumerate(SECTIONS, start=1):
        if plain.startswith(name.lower()):
            return number
    return None


def _blocks(cell: Cell) -> Iterator[tuple[int | None, str]]:
    """A markdown cell cut at its ``##`` section headings: (section opened or None, text)."""
    opened: int | None = None
    lines: list[str] = []
    for line in cell.source.splitlines():
        match = _HEADING.match(line)
        number = _section_of(match[2]) if match and len(match[1]) == 2 else None
        if number is not None:
            if lines:
                yield opened, "\n".join(lines)
            opened, lines = number, []
        lines.append(line)
    yield opened, "\n".join(lines)


# --- reading time ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


def prose_words(markdown: str) -> int:
    """Words a reader reads: HTML tags and link targets dropped, punctuation-only tokens too."""
    text = _LINK_TARGET.sub("]", _TAG.sub(" ", markdown))
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _nonblank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def shown_source_lines(cell: Cell) -> int:
    """Lines of library source that ``show_source(...)`` printed into the cell's outputs."""
    if "show_source(" not in cell.source:
        return 0
    lines = 0
    for output in cell.outputs:
        if output.kind in ("execute_result", "display_data"):
            text = output.text
            lines += _nonblank(text) - (1 if text.startswith("# ") else 0)  # minus the title
    return max(lines, 0)


def code_lines(cell: Cell) -> int:
    """Lines of code a reader reads in this cell: its visible input and the source it shows."""
    shown = 0 if cell.hidden else _nonblank(cell.source)
    return shown + shown_source_lines(cell)


def minutes(words: int, lines: int) -> float:
    return words / WORDS_PER_MINUTE + lines / CODE_LINES_PER_MINUTE


# --- slides and asserts ---------------------------------------------------------------------


def _rendered(text: str, *, keep_blank: bool) -> int:
    return sum(
        max(1, math.ceil(len(line) / WRAP))
        for line in text.splitlines()
        if keep_blank or line.strip()
    )


def cell_slide_lines(cell: Cell) -> int:
    """Lines a cell takes on a slide: its source (unless hidden) and its stored outputs."""
    if cell.kind == "markdown":
        return _rendered(cell.source, keep_blank=False)
    if cell.kind != "code":
        return 0
    lines = 0 if cell.hidden else _rendered(cell.source, keep_blank=True)
    for output in cell.outputs:
        lines += IMAGE_LINES if output.image else _rendered(output.text, keep_blank=False)
    return lines


def _slide_roles(cells: list[Cell]) -> list[str]:
    """Each cell's reveal.js role as stored by ``tarento-lab nav``, or as it would store it."""
    stored = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in cells]
    if all(stored):
        return [str(kind) for kind in stored]
    import nbformat

    from tarento_lib.lab.navigation import slide_types

    nodes = [
        nbformat.from_dict({"cell_type": c.kind, "source": c.source, "metadata": c.metadata})
        for c in cells
    ]
    return slide_types(nodes)


def slide_lengths(cells: list[Cell]) -> list[int]:
    """Rendered lines of every screen of the exported deck, in order."""
    screens: list[int] = []
    for cell, role in zip(cells, _slide_roles(cells), strict=True):
        if role == "skip" or (cell.hidden and is_assert_only(cell)):
            continue
        if role in ("slide", "subslide") or not screens:
            screens.append(0)
        screens[-1] += cell_slide_lines(cell)
    return screens


def is_assert_only(cell: Cell) -> bool:
    """A code cell that holds nothing but ``assert`` statements (comments aside)."""
    if cell.kind != "code" or not cell.source.strip():
        return False
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:  # IPython magics: not plain asserts
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


# --- one notebook ---------------------------------------------------------------------------


def _case_count(path: Path) -> int | None:
    from tarento_lib.questions import QUESTIONS

    for entry in QUESTIONS:
        if entry.notebook == path.name:
            from tarento_lib.lab import get_suite  # the grader, loaded only to count cases

            return len(get_suite(entry.suite).cases)
    return None


def _reading(cells: Iterable[Cell]) -> dict[int, tuple[int, int]]:
    """(words, code lines) per section number; 0 holds what comes before section 1."""
    per: dict[int, tuple[int, int]] = {}
    section = 0
    for cell in cells:
        if cell.metadata.get("tarento_nav"):  # generated links, not reading
            continue
        if cell.kind == "markdown":
            for opened, text in _blocks(cell):
                section = opened if opened is not None else section
                words, lines = per.get(section, (0, 0))
                per[section] = (words + prose_words(text), lines)
        elif cell.kind == "code":
            words, lines = per.get(section, (0, 0))
            per[section] = (words, lines + code_lines(cell))
    return per


def _sections_found(cells: Iterable[Cell]) -> list[int]:
    return [
        opened
        for cell in cells
        if cell.kind == "markdown"
        for opened, _ in _blocks(cell)
        if opened is not None
    ]


def notebook_stats(path: Path, *, count_cases: bool = True) -> NotebookStats:
    """Measure one notebook; ``count_cases=False`` skips asking the grader for the case count."""
    cells = read_cells(path)
    found = _sections_found(cells)
    in_shape = found == list(range(1, APPENDIX + 1))
    per = _reading(cells)

    def total(numbers: Iterable[int]) -> tuple[int, int]:
        chosen = [per.get(n, (0, 0)) for n in numbers]
        return sum(w for w, _ in chosen), sum(c for _, c in chosen)

    every = total(per)
    stats = NotebookStats(
        notebook=path.name,
        in_shape=in_shape,
        minutes_total=minutes(*every),
        prose_words=every[0],
        code_lines=every[1],
        missing_sections=[name for n, name in enumerate(SECTIONS, 1) if n not in found],
    )
    if in_shape:
        stats.minutes_1_7 = minutes(*total(range(APPENDIX)))
        stats.minutes_1_4 = minutes(*total(range(5)))
        stats.minutes_appendix = minutes(*total([APPENDIX]))
    else:
        stats.minutes_1_7 = stats.minutes_total
    screens = slide_lengths(cells)
    stats.slides_over = sum(1 for lines in screens if lines > SLIDE_LINES)
    stats.longest_slide = max(screens, default=0)
    stats.visible_asserts = sum(1 for c in cells if is_assert_only(c) and not c.hidden)
    if count_cases:
        stats.cases = _case_count(path)
    return stats


def budget_problems(stats: NotebookStats, budgets: Budgets = BUDGETS) -> list[str]:
    """Every budget this notebook breaks, as sentences; empty when it keeps them all."""
    problems = []
    if not stats.in_shape:
        missing = ", ".join(stats.missing_sections) or "the sections in order"
        problems.append(f"not in lesson shape (missing: {missing})")
    if stats.minutes_1_7 > budgets.sections_1_7:
        problems.append(f"sections 1-7 take {stats.minutes_1_7:.1f} min > {budgets.sections_1_7:g}")
    if stats.minutes_1_4 is not None and stats.minutes_1_4 > budgets.sections_1_4:
        problems.append(f"sections 1-4 take {stats.minutes_1_4:.1f} min > {budgets.sections_1_4:g}")
    if stats.minutes_appendix is not None and stats.minutes_appendix > budgets.appendix:
        problems.append(
            f"the appendix takes {stats.minutes_appendix:.1f} min > {budgets.appendix:g}"
        )
    if stats.slides_over:
        problems.append(
            f"{stats.slides_over} slide(s) over {budgets.slide_lines} lines "
            f"(longest {stats.longest_slide})"
        )
    if stats.visible_asserts > budgets.visible_asserts:
        problems.append(f"{stats.visible_asserts} assert-only cell(s) with visible input")
    return problems


# --- the table ------------------------------------------------------------------------------

_COLUMNS = (
    "notebook",
    "all min",
    "1-7 min",
    "1-4 min",
    "appx min",
    "cases",
    "slides>40",
    "longest",
    "asserts",
    "shape",
)


def _cell(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def format_table(rows: Iterable[NotebookStats]) -> str:
    """A plain-text table, one line per notebook (``asserts`` = visible assert-only cells)."""
    lines = [_COLUMNS]
    for s in rows:
        lines.append(
            (
                s.notebook.removesuffix(".ipynb"),
                _cell(s.minutes_total),
                _cell(s.minutes_1_7),
                _cell(s.minutes_1_4),
                _cell(s.minutes_appendix),
                _cell(s.cases),
                _cell(s.slides_over),
                _cell(s.longest_slide),
                _cell(s.visible_asserts),
                "lesson" if s.in_shape else "not in lesson shape",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(_COLUMNS))]
    return "\n".join(
        "  ".join(
            text.ljust(width) if i in (0, len(_COLUMNS) - 1) else text.rjust(width)
            for i, (text, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
