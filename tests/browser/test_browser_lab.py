"""Every notebook in real JupyterLab, driven by headless Chromium through Playwright.

nbval runs kernels but never a browser; this test catches what only a page shows: a widget
front end that fails ("Error displaying widget"), a plot that does not render, a cell that
errors under JupyterLab's own "Run All". Server and browser listen on 127.0.0.1 only, every
wait is bounded, and the server is shut down even when a check fails. Screenshots land in
``artifacts/browser/`` (git-ignored), with the run time of each notebook in ``timings.txt``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser.lab_session import CHROMIUM, CHROMIUM_ARGS, LabServer, lab_server

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "artifacts" / "browser"
SLIDER_NOTEBOOKS = ("q05",)  # moving a slider must change the plotted image
WAIT_MS = 180_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None, reason="playwright is not installed"
    ),
]

KERNEL_IDLE = """(name) => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== name) return false;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  const kernel = session && session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

ALL_RUN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const code = panel.content.widgets.filter(cell => cell.model.type === 'code');
  return !!kernel && kernel.status === 'idle'
    && code.every(cell => cell.model.executionCount !== null
                  && cell.model.executionState !== 'running');
}"""

PLOTS_SHOWN = """(indexes) => {
  const code = window.jupyterapp.shell.currentWidget.content.widgets
    .filter(cell => cell.model.type === 'code');
  return indexes.every(i => code[i] && code[i].node.querySelector('.jp-Cell-outputArea img'));
}"""

CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(cell => cell.model.type === 'code')
  .map(cell => {
    const area = cell.node.querySelector('.jp-Cell-outputArea');
    const outputs = cell.model.outputs.toJSON();
    return {
      count: cell.model.executionCount,
      tags: cell.model.getMetadata('tags') || [],
      types: outputs.map(o => o.output_type),
      streams: outputs.filter(o => o.output_type === 'stream').map(o => o.name),
      widget: outputs.some(o => 'application/vnd.jupyter.widget-view+json' in (o.data || {})),
      images: area ? area.querySelectorAll('img').length : 0,
      controls: area ? area.querySelectorAll('.jupyter-widgets').length : 0,
      text: area ? area.innerText : '',
    };
  })"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    with lab_server(NOTEBOOKS, tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.txt").write_text("")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _playwright_timeout() -> type[Exception]:
    from playwright.sync_api import TimeoutError as timeout_error

    return timeout_error


PlaywrightTimeout = (
    _playwright_timeout() if importlib.util.find_spec("playwright") else TimeoutError
)


def stored_plot_cells(path: Path) -> list[int]:
    """Indexes (among code cells) of the cells whose saved outputs hold a PNG."""
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    return [
        i
        for i, cell in enumerate(code)
        if any("image/png" in o.get("data", {}) for o in cell.outputs)
    ]


def image_of(page: Any, index: int) -> str:
    return str(
        page.evaluate(
            """(i) => {
              const c = window.jupyterapp.shell.currentWidget.content.widgets
                .filter(c => c.model.type === 'code')[i];
              const img = c.node.querySelector('.jp-Cell-outputArea img');
              return img ? img.src : '';
            }""",
            index,
        )
    )


def move_a_slider_and_see_the_plot_change(page: Any, cells: list[dict[str, Any]]) -> None:
    index = next(
        i for i, c in enumerate(cells) if c["widget"] and c["images"] and "noUi" not in c["text"]
    )
    before = image_of(page, index)
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    handle = cell.locator(".widget-slider .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        """([i, old]) => {
          const c = window.jupyterapp.shell.currentWidget.content.widgets
            .filter(c => c.model.type === 'code')[i];
          const img = c.node.querySelector('.jp-Cell-outputArea img');
          return img && img.src !== old;
        }""",
        arg=[index, before],
        timeout=60_000,
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_cleanly_in_jupyterlab(lab: LabServer, browser: Any, path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(WAIT_MS)
    start = time.monotonic()
    try:
        # A workspace of its own, reset: no tab restored from the previous notebook's page.
        page.goto(f"{lab.url}/lab/workspaces/{path.stem}/tree/{path.name}?reset&token={lab.token}")
        page.wait_for_function(KERNEL_IDLE, arg=path.name, timeout=WAIT_MS)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RUN, timeout=WAIT_MS)
        plots = stored_plot_cells(path)
        # on a timeout, the assertion below names the cells whose plot never appeared
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(PLOTS_SHOWN, arg=plots, timeout=30_000)
        page.wait_for_timeout(1000)  # let widget views attach to the page
        cells = page.evaluate(CELLS)

        unexecuted = [i for i, c in enumerate(cells) if c["count"] is None]
        errors = [
            i
            for i, c in enumerate(cells)
            if "error" in c["types"] and "raises-exception" not in c["tags"]
        ]
        stderr = [i for i, c in enumerate(cells) if "stderr" in c["streams"]]
        missing_plots = [i for i in plots if cells[i]["images"] == 0]
        broken_widgets = [
            i
            for i, c in enumerate(cells)
            if c["widget"]
            and (
                c["controls"] == 0
                or "Error displaying widget" in c["text"]
                or c["text"].startswith("interactive(")
            )
        ]
        problems = {
            "unexecuted": unexecuted,
            "errors": errors,
            "stderr": stderr,
            "missing plots": missing_plots,
            "broken widgets": broken_widgets,
        }
        assert not any(problems.values()), f"{path.name} (code cell indexes): {problems}"
        if path.stem.split("_")[0] in SLIDER_NOTEBOOKS:
            move_a_slider_and_see_the_plot_change(page, cells)
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"), full_page=False)
        with (ARTIFACTS / "timings.txt").open("a") as timings:
            timings.write(f"{path.name}\t{time.monotonic() - start:.1f} s\n")
        page.close()


COUNTDOWN = """() => {
  const area = document.querySelector('.jp-Cell-outputArea');
  const found = area && [...area.querySelectorAll('b')].find(b => b.innerText.includes('left'));
  return found ? found.innerText : '';
}"""


def test_the_interview_widget_grades_on_check(lab: LabServer, browser: Any, tmp_path: Path) -> None:
    """``interview("q01")`` in a fresh notebook: the countdown ticks, and Check on the stub
    shows stage 1's card, failing."""
    name = "interview_q01.ipynb"
    practice = tmp_path / "practice"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = nbformat.read(NOTEBOOKS[0], as_version=4).metadata.kernelspec
    source = f"from tarento_lib.lab import interview\n\ninterview('q01', {str(practice)!r})"
    notebook.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(notebook, lab.root / name)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(f"{lab.url}/lab/workspaces/interview/tree/{name}?reset&token={lab.token}")
        page.wait_for_function(KERNEL_IDLE, arg=name, timeout=WAIT_MS)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RUN, timeout=WAIT_MS)
        check = page.locator(".jp-Cell-outputArea button", has_text="Check")
        check.wait_for()
        shown = page.evaluate(COUNTDOWN)
        assert " left" in shown
        assert "Stage 1 of 4" in page.locator(".jp-Cell-outputArea").inner_text()
        # the countdown task runs on the kernel's loop: the clock moves with no cell running
        page.wait_for_function(f"(old) => ({COUNTDOWN})() !== old", arg=shown, timeout=30_000)
        check.click()
        card = page.locator(".jp-Cell-outputArea pre", has_text="cases pass")
        card.wait_for()
        assert "0/7 cases pass" in card.inner_text()
        assert (practice / "q01_interview.json").exists()
    finally:
        page.screenshot(path=str(ARTIFACTS / "interview_q01.png"), full_page=False)
        page.close()
