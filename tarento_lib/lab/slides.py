"""Export a notebook as a self-contained reveal.js slide deck (stored outputs, no kernel, no
network).

nbconvert's ``SlidesExporter`` renders the cells by their ``slideshow`` metadata (written by
``tarento-lab nav``) but loads reveal.js, require.js and jQuery from CDNs. This module inlines
reveal.js from the ``sphinx-revealjs`` package, which ships its ``dist/`` files, and drops the
CDN scripts, so the deck opens offline in any browser: the fallback when there is no kernel.
Widgets show as their stored text (they need a live kernel); plots are embedded PNGs.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import nbformat

__all__ = ["export_slides", "reveal_asset"]

_PREFIX = "TARENTO-REVEAL"
_THEME = "white"


def reveal_asset(relative: str) -> str:
    """The text of a reveal.js distribution file, e.g. ``dist/reveal.js``."""
    return (files("sphinx_revealjs") / "_static" / "revealjs" / relative).read_text(
        encoding="utf-8"
    )


def _inline_css(relative: str) -> str:
    css = reveal_asset(relative)
    css = re.sub(r"@import url\([^)]*\);?", "", css)  # web fonts: fall back to local fonts offline
    return f"<style>\n{css}\n</style>"


_INIT = """<script>
{reveal}
</script>
<script>
Reveal.initialize({{controls: true, progress: true, history: true, slideNumber: "c/t",
                    transition: "slide", width: 1100, height: 760}});
</script>"""


def export_slides(notebook: Path, out_dir: Path) -> Path:
    """Write ``<out_dir>/<name>.slides.html`` from
    the notebook's stored outputs; return its path."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(reveal_url_prefix=_PREFIX, reveal_theme=_THEME)
    html, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    html = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', "", html)  # CDN scripts
    html = re.sub(r'<script type="module">\s*import mermaid.*?</script>', "", html, flags=re.S)
    html = re.sub(
        rf'<link[^>]*href="{_PREFIX}/dist/reveal.css"[^>]*>',
        lambda _: _inline_css("dist/reveal.css"),
        html,
    )
    html = re.sub(
        rf'<link[^>]*href="{_PREFIX}/dist/theme/[^"]+"[^>]*>',
        lambda _: _inline_css(f"dist/theme/{_THEME}.css"),
        html,
    )
    html = re.sub(
        r"<script[^>]*>\s*require\(.*?</script>",
        lambda _: _INIT.format(reveal=reveal_asset("dist/reveal.js")),
        html,
        flags=re.S,
    )
    if _PREFIX in html:
        raise RuntimeError("the nbconvert reveal template changed: reveal.js could not be inlined")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target
