"""Every notebook exports to a self-contained reveal.js deck that carries its plots."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tarento_lib import cli
from tarento_lib.lab.catalog import NOTEBOOKS
from tarento_lib.lab.navigation import MARK, slide_types

NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def stored_images(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.stem for p in NOTEBOOK_FILES])
def test_export_is_self_contained_and_keeps_the_plots(path: Path, tmp_path: Path) -> None:
    assert cli.main(["slides", path.stem.split("_")[0], "--out", str(tmp_path)]) == 0
    html = (tmp_path / f"{path.stem}.slides.html").read_text(encoding="utf-8")
    assert "Reveal.initialize" in html
    assert (
        re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    )  # nothing fetched from the network
    assert html.count("<section") > 3
    assert html.count('src="data:image/png') >= stored_images(path)


def test_slide_roles() -> None:
    cells = [
        nbformat.v4.new_markdown_cell("nav", metadata={MARK: "header"}),
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("assert x == 1"),
        nbformat.v4.new_markdown_cell("### A detail"),
        nbformat.v4.new_code_cell("y = 2"),
        nbformat.v4.new_code_cell("z = 3"),
        nbformat.v4.new_code_cell("w = 4"),
        nbformat.v4.new_markdown_cell("more prose"),
    ]
    assert slide_types(cells) == [
        "skip",
        "slide",
        "-",
        "fragment",
        "subslide",
        "-",
        "-",
        "-",
        "subslide",
    ]


def test_the_lab_sees_real_service_urls_only_with_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARENTO_REDIS_URL", "redis://127.0.0.1:1/0")
    assert cli._environment(real=True)["TARENTO_REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert "TARENTO_REDIS_URL" not in cli._environment(real=False)
