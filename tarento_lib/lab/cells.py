"""A notebook's cells as read from its JSON: type, source, metadata and stored outputs.

Lighter than ``nbformat`` (no schema validation, nothing imported beyond the standard
library), for tools that only read a notebook: ``tarento-lab stats``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Cell", "Output", "read_cells"]


def _joined(value: str | list[str]) -> str:
    """Notebook JSON stores multi-line text as one string or as a list of lines."""
    return value if isinstance(value, str) else "".join(value)


@dataclass(frozen=True)
class Output:
    """One stored output: its type, the text it shows, and whether it is an image."""

    kind: str  # "stream", "execute_result", "display_data" or "error"
    text: str  # stream text, the text/plain form, or the traceback without colour codes
    image: bool = False

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Output:
        kind = str(raw["output_type"])
        if kind == "stream":
            return cls(kind, _joined(raw.get("text", "")))
        if kind == "error":
            traceback = "\n".join(raw.get("traceback", []))
            return cls(kind, re.sub(r"\x1b\[[0-9;]*m", "", traceback))
        data = raw.get("data", {})
        image = any(mime.startswith("image/") for mime in data)
        return cls(kind, _joined(data.get("text/plain", "")), image)


@dataclass(frozen=True)
class Cell:
    """One notebook cell: its type, source, metadata and stored outputs."""

    kind: str  # "markdown", "code" or "raw"
    source: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    outputs: tuple[Output, ...] = ()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Cell:
        outputs = tuple(Output.from_dict(output) for output in raw.get("outputs", []))
        return cls(raw["cell_type"], _joined(raw["source"]), raw.get("metadata", {}), outputs)

    @property
    def hidden(self) -> bool:
        """Whether the input is collapsed (``metadata.jupyter.source_hidden``)."""
        return bool(self.metadata.get("jupyter", {}).get("source_hidden"))


def read_cells(path: Path) -> list[Cell]:
    return [Cell.from_dict(raw) for raw in json.loads(path.read_text(encoding="utf-8"))["cells"]]
