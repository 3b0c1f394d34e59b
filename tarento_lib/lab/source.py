"""Show the library's real source in a notebook, syntax-highlighted."""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

__all__ = ["SourceView", "show_source"]


@dataclass(frozen=True)
class SourceView:
    """Source text that renders highlighted in Jupyter and as plain text elsewhere."""

    title: str
    code: str

    def _repr_html_(self) -> str:
        body = highlight(self.code, PythonLexer(), HtmlFormatter(noclasses=True, nobackground=True))
        return f'<div style="font-size: 90%"><b>{self.title}</b>{body}</div>'

    def __repr__(self) -> str:
        return f"# {self.title}\n{self.code}"


def show_source(obj: object, *, member: str | None = None) -> SourceView:
    """Return the source of a class, function or method of ``tarento_lib`` for display.

    ``show_source(LRUCache)`` shows the whole class; ``show_source(LRUCache, member="get")``
    just one method, so a walkthrough can go step by step.
    """
    target = getattr(obj, member) if member else obj
    target = inspect.unwrap(target)
    try:
        code = textwrap.dedent(inspect.getsource(target))
    except (OSError, TypeError) as exc:
        raise TypeError(f"cannot show the source of {obj!r}: {exc}") from exc
    module = getattr(target, "__module__", None) or ""
    qualname = getattr(target, "__qualname__", getattr(target, "__name__", repr(target)))
    return SourceView(title=f"{module}.{qualname}".lstrip("."), code=code.rstrip() + "\n")
