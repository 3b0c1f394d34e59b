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

__all__ = [
    "IGNORABLE",
    "LEVELS",
    "Level",
    "first_graphemes",
    "fold",
    "graphemes",
    "normalize",
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
_DROP_IGNORABLE = dict.fromkeys(map(ord, IGNORABLE))
_GRAPHEME = regex.compile(r"\X")


def normalize(text: str) -> str:
    """NFC, with the ignorable characters removed; ZWJ and ZWNJ are kept."""
    require_str(text, "text")
    return unicodedata.normalize("NFC", text.translate(_DROP_IGNORABLE))


def fold(text: str) -> str:
    """``normalize`` then ``casefold`` (which, unlike ``lower``, maps "Straße" to "strasse").

    Folding can leave a text that is no longer NFC, so NFC runs again after it.
    """
    return unicodedata.normalize("NFC", normalize(text).casefold())


def graphemes(text: str) -> list[str]:
    """The user-perceived characters of ``text`` (extended grapheme clusters), in order."""
    require_str(text, "text")
    return _GRAPHEME.findall(text)


def units(text: str, level: Level = "grapheme", *, fold_case: bool = True) -> tuple[str, ...]:
    """``text`` prepared for comparison (``fold`` or ``normalize``), as graphemes or code points."""
    require_choice(level, "level", LEVELS)
    prepared = fold(text) if fold_case else normalize(text)
    return tuple(_GRAPHEME.findall(prepared) if level == "grapheme" else prepared)


@functools.lru_cache(maxsize=32)
def _first_clusters(n: int) -> regex.Pattern[str]:
    return regex.compile(rf"\X{{1,{n}}}")


def first_graphemes(text: str, n: int) -> str:
    """The first ``n`` grapheme clusters of ``text`` as one string (all of it when it has fewer).

    Exactly ``"".join(graphemes(text)[:n])``, by one ``regex`` match that stops after ``n``
    clusters instead of splitting the whole text.
    """
    require_str(text, "text")
    require_int(n, "n", minimum=1)
    found = _first_clusters(n).match(text)
    return "" if found is None else found.group()
