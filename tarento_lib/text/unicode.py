"""Unicode preparation for comparing text: NFC, ignorable characters, case, grapheme clusters.

The unit a reader perceives as one letter is the *extended grapheme cluster*: in Devanagari
"नमस्ते" is six code points but three clusters (न, म, स्ते). Comparing code points counts a
vowel sign or a virama as a letter of its own, so this module offers both units.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Literal

import regex

from tarento_lib._validate import require_choice, require_int, require_str
from tarento_lib.text._fastpath import (
    fast_risk as _fast_risk,
)
from tarento_lib.text._fastpath import (
    fast_slice as _fast_slice,
)
from tarento_lib.text._fastpath import (
    fast_split as _fast_split,
)

__all__ = [
    "IGNORABLE",
    "LEVELS",
    "Level",
    "first_graphemes",
    "fold",
    "graphemes",
    "normalize",
    "prepared_graphemes",
    "units",
]

Level = Literal["grapheme", "codepoint"]
LEVELS: tuple[str, ...] = ("grapheme", "codepoint")

# Characters that never change what a text says, only how it is stored or laid out:
# BOM / zero width no-break space, soft hyphen, word joiner, and the bidirectional marks,
# embeddings and isolates. ZERO WIDTH JOINER (U+200D) and NON-JOINER (U+200C) are NOT here:
# in Indic scripts they select a different letter form, and sometimes a different word.
IGNORABLE: frozenset[str] = frozenset(
    "\ufeff\u00ad\u2060\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DROP_IGNORABLE = {ord(ch): None for ch in IGNORABLE}
_HAS_IGNORABLE = regex.compile("[" + "".join(sorted(IGNORABLE)) + "]")
_GRAPHEME = regex.compile(r"\X")


def normalize(text: str) -> str:
    """NFC, with the ignorable characters removed; ZWJ and ZWNJ are kept."""
    require_str(text, "text")
    if text.isascii():
        return text
    if _HAS_IGNORABLE.search(text):
        text = text.translate(_DROP_IGNORABLE)
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """``normalize`` then ``casefold`` (which, unlike ``lower``, maps "Straße" to "strasse")."""
    normal = normalize(text)
    folded = normal.casefold()
    # Folding can leave a text that is no longer NFC; scripts without case come back unchanged.
    return folded if folded == normal or folded.isascii() else unicodedata.normalize("NFC", folded)


def graphemes(text: str) -> list[str]:
    """The user-perceived characters of ``text`` (extended grapheme clusters), in order."""
    require_str(text, "text")
    return _GRAPHEME.findall(text)


def units(text: str, level: Level = "grapheme", *, fold_case: bool = True) -> tuple[str, ...]:
    """``text`` prepared for comparison and split into graphemes or code points."""
    if level == "grapheme":
        return tuple(prepared_graphemes(text, fold_case))
    require_choice(level, "level", LEVELS)
    return tuple(fold(text) if fold_case else normalize(text))


def prepared_graphemes(text: str, fold_case: bool = True) -> list[str]:
    """The grapheme clusters of ``fold(text)`` (or ``normalize(text)``): ``units`` as a list.

    Same result as ``regex``'s ``\\X`` over the prepared text, by one of two routes. Text made
    only of the characters the fast route knows (Latin, the Indic blocks, punctuation, emoji;
    see :mod:`tarento_lib.text._fastpath`), with nothing that NFC would change, no ignorable
    character and no virama without a consonant before it, is already prepared up to case: it
    is folded with ``str.casefold`` and split by ``ugrapheme`` (C, several times faster than
    ``\\X``). Any other text takes the general route: ``fold``/``normalize``, then ``\\X``.
    """
    require_str(text, "text")
    if _fast_split is not None:
        risky = _fast_risk()
        if risky(text) is None:
            if not fold_case:
                return _fast_split(text)
            folded = text.casefold()
            if folded == text or risky(folded) is None:
                return _fast_split(folded)
    return _GRAPHEME.findall(fold(text) if fold_case else normalize(text))


@functools.lru_cache(maxsize=32)
def _first_clusters(n: int) -> regex.Pattern[str]:
    return regex.compile(rf"\X{{{n}}}")


def first_graphemes(text: str, n: int) -> str:
    """The first ``n`` grapheme clusters of ``text`` as one string (all of it when it has fewer).

    Exactly ``"".join(graphemes(text)[:n])`` on the raw text, without splitting the rest. When
    the risk scan of the fast route passes over the slice and the one character after it (a
    cluster boundary depends on nothing further right), ``ugrapheme`` slices in C; otherwise one
    ``regex`` match of ``n`` clusters.
    """
    require_str(text, "text")
    require_int(n, "n", minimum=1)
    if len(text) <= n:  # a cluster is at least one code point
        return text
    if _fast_slice is not None:
        cut: str = _fast_slice(text, 0, n)
        if _fast_risk()(text[: len(cut) + 1]) is None:
            return cut
    found = _first_clusters(n).match(text)
    return text if found is None else found.group()
