"""Q4 · Text similarity for Indian languages: the answer to write in the interview.

NFC and ``casefold`` make equal texts equal; ``regex``'s ``\\X`` splits them into grapheme
clusters (न म स्ते, not six code points); Levenshtein counts cluster edits with two rows of
the table. ZWJ and ZWNJ are kept: in Indic scripts they select a letter form.
Time O(m·n) for m and n clusters; memory O(m + n) for the clusters, O(min(m, n)) for the table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex

__all__ = ["levenshtein"]


def graphemes(text: str) -> list[str]:
    """``text`` in NFC, case-folded, as a list of grapheme clusters."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return regex.findall(r"\X", unicodedata.normalize("NFC", text).casefold())


def edit_distance(x: Sequence[str], y: Sequence[str]) -> int:
    """The fewest insertions, deletions and substitutions of units turning ``x`` into ``y``."""
    if len(x) < len(y):
        x, y = y, x  # the row runs over the shorter text
    previous = list(range(len(y) + 1))  # distances from the empty prefix of x
    for i, unit in enumerate(x, start=1):
        current = [i]
        for j, other in enumerate(y, start=1):
            delete, insert = previous[j] + 1, current[j - 1] + 1
            current.append(min(delete, insert, previous[j - 1] + (unit != other)))
        previous = current
    return previous[-1]


def levenshtein(a: str, b: str) -> int:
    """The edit distance between two texts, counted in grapheme clusters."""
    return edit_distance(graphemes(a), graphemes(b))


def similarity(a: str, b: str) -> float:
    """1.0 for equal texts, 0.0 when no cluster can be kept; two empty texts are equal."""
    x, y = graphemes(a), graphemes(b)
    longer = max(len(x), len(y))
    return 1.0 if longer == 0 else 1.0 - edit_distance(x, y) / longer
