"""Every notebook carries the generated header and footer, and they are up to date."""

from __future__ import annotations

import nbformat

from tarento_lib.lab.catalog import NOTEBOOKS, QUESTIONS, available_questions
from tarento_lib.lab.navigation import MARK, footer_source, header_source, pages, stale_notebooks


def test_no_notebook_has_stale_navigation() -> None:
    stale = [p.name for p in stale_notebooks()]
    assert stale == [], f"run `tarento-lab nav` to regenerate: {stale}"


def test_every_notebook_in_the_folder_is_in_the_catalog() -> None:
    listed = {p.notebook for p in pages()}
    on_disk = {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    assert on_disk == listed


def test_header_is_first_and_footer_last() -> None:
    for page in pages():
        cells = nbformat.read(NOTEBOOKS / page.notebook, as_version=4).cells
        assert cells[0].metadata.get(MARK) == "header" and cells[-1].metadata.get(MARK) == "footer"


def test_links_point_to_neighbours() -> None:
    every = pages()
    first_question = available_questions()[0]
    header = header_source(1, every)
    assert f"question {QUESTIONS.index(first_question) + 1} of {len(QUESTIONS)}" in header
    assert "[← Start here](00_start_here.ipynb)" in header
    assert f"tarento-lab check {first_question.number}" in footer_source(1, every)
