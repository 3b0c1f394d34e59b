"""Generated header and footer cells (position in the suite, previous/next links), slide roles,
and the ``raises-exception`` tag on every cell marked ``# NBVAL_RAISES_EXCEPTION``.

Run ``tarento-lab nav`` after adding or renaming a notebook; ``tests/test_navigation.py``
fails while any notebook's header or footer is stale. Only these two markdown cells are
touched, so no notebook needs re-executing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tarento_lib.lab.catalog import NOTEBOOKS, QUESTIONS, Question, available_questions

__all__ = [
    "Page",
    "footer_source",
    "header_source",
    "pages",
    "slide_types",
    "stale_notebooks",
    "update_navigation",
]

MARK = "tarento_nav"  # cell metadata key: "header" or "footer"
START = "00_start_here.ipynb"


@dataclass(frozen=True)
class Page:
    notebook: str
    label: str  # how a link to this page reads
    question: Question | None


def pages() -> list[Page]:
    """The start page, then every question whose notebook exists, in suite order."""
    start = [Page(START, "Start here", None)] if (NOTEBOOKS / START).exists() else []
    return start + [
        Page(q.notebook, f"{q.number.upper()} {q.title}", q) for q in available_questions()
    ]


def _links(index: int, every: list[Page]) -> str:
    parts = []
    if index > 0:
        parts.append(f"[← {every[index - 1].label}]({every[index - 1].notebook})")
    if index > 1:
        parts.append(f"[Start here]({START})")
    if index + 1 < len(every):
        parts.append(f"[{every[index + 1].label} →]({every[index + 1].notebook})")
    return " · ".join(parts)


def header_source(index: int, every: list[Page]) -> str:
    page = every[index]
    if page.question is None:
        where = f"start page · {len(every) - 1} question notebooks"
    else:
        where = f"{page.label} · question {QUESTIONS.index(page.question) + 1} of {len(QUESTIONS)}"
    return f"<small>**Tarento Interview Lab** · {where} · {_links(index, every)}</small>"


def footer_source(index: int, every: list[Page]) -> str:
    page = every[index]
    lines = ["---", f"<small>{_links(index, every)}</small>"]
    if page.question is not None:
        lines.insert(
            1,
            "<small>Grade a solution file from a terminal: `tarento-lab check "
            f"{page.question.number} my_solution.py`.</small>\n",
        )
    return "\n".join(lines)


def slide_types(cells: list[nbformat.NotebookNode]) -> list[str]:
    """reveal.js roles: a slide per ``#``/``##`` heading, a sub-slide per ``###`` heading
    or once a slide holds three cells, asserts as fragments, and navigation cells skipped."""
    kinds: list[str] = []
    since_break = 0
    for cell in cells:
        text = cell.source.lstrip()
        if cell.metadata.get(MARK):
            kind = "skip"
        elif cell.cell_type == "markdown" and re.match(r"#{1,2} ", text):
            kind = "slide"
        elif cell.cell_type == "markdown" and (text.startswith("### ") or since_break >= 3):
            kind = "subslide"
        elif cell.cell_type == "code" and text.startswith("assert"):
            kind = "fragment"
        else:
            kind = "-"
        since_break = 0 if kind in ("slide", "subslide") else since_break + 1
        kinds.append(kind)
    return kinds


def _apply(path: Path, header: str, footer: str) -> tuple[nbformat.NotebookNode, bool]:
    notebook = nbformat.read(path, as_version=4)
    before = [
        (c.source, c.metadata.get(MARK), c.metadata.get("slideshow"), c.metadata.get("tags"))
        for c in notebook.cells
    ]
    cells = [c for c in notebook.cells if c.metadata.get(MARK) is None]
    top = nbformat.v4.new_markdown_cell(header, metadata={MARK: "header"})
    bottom = nbformat.v4.new_markdown_cell(footer, metadata={MARK: "footer"})
    for cell in (top, bottom):
        cell.pop("id", None)
    old = {c.metadata.get(MARK): c for c in notebook.cells if c.metadata.get(MARK)}
    for kind, cell in (("header", top), ("footer", bottom)):
        if kind in old:  # keep the existing cell id, so an unchanged notebook stays byte-identical
            cell["id"] = old[kind]["id"]
        else:
            cell["id"] = f"nav-{kind}"
    notebook.cells = [top, *cells, bottom]
    for cell, kind in zip(notebook.cells, slide_types(notebook.cells), strict=True):
        cell.metadata["slideshow"] = {"slide_type": kind}
        if cell.cell_type == "code" and "NBVAL_RAISES_EXCEPTION" in cell.source:
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:  # JupyterLab's "Run All" and nbclient read the tag
                tags.append("raises-exception")
    after = [
        (c.source, c.metadata.get(MARK), c.metadata.get("slideshow"), c.metadata.get("tags"))
        for c in notebook.cells
    ]
    return notebook, before != after


def _plan() -> list[tuple[Path, nbformat.NotebookNode, bool]]:
    """Each notebook with its navigation regenerated, and whether that changed anything."""
    every = pages()
    plan = []
    for index, page in enumerate(every):
        path = NOTEBOOKS / page.notebook
        notebook, changed = _apply(path, header_source(index, every), footer_source(index, every))
        plan.append((path, notebook, changed))
    return plan


def stale_notebooks() -> list[Path]:
    """Notebooks whose generated header, footer, slide roles or tags are missing or out of date."""
    return [path for path, _, changed in _plan() if changed]


def update_navigation() -> list[Path]:
    """Rewrite every stale notebook; return the ones that changed."""
    changed_paths = []
    for path, notebook, changed in _plan():
        if changed:
            nbformat.write(notebook, path)
            changed_paths.append(path)
    return changed_paths
