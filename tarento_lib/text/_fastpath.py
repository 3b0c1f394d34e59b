"""The fast route of :func:`~tarento_lib.text.unicode.prepared_graphemes`.

Preparing a text for comparison (NFC, ignorable characters dropped, ``casefold``, extended
grapheme clusters with ``regex``'s ``\\X``) costs far more than rapidfuzz's edit distance on
the result. Most real text needs none of the NFC or ignorable work, and ``ugrapheme`` (C)
splits it into the same clusters as ``\\X`` several times faster. "Most" is made exact here:
``fast_risk()`` returns the ``search`` of a compiled pattern (stdlib ``re``: one scan at C
speed) that finds anything in a text for which the fast route could differ from the general
one. Only text where it finds nothing takes the fast route:

* every character is in ``BLOCKS`` (Latin, combining diacritics, the Indic blocks,
  punctuation, currency signs, emoji), is not ignorable, is unchanged by NFC on its own, has
  a common combining class (``FAST_COMBINING_CLASSES``), and has the same grapheme properties
  in ``regex`` and in ``ugrapheme`` (the two may follow different Unicode versions: a
  character they disagree on is simply not in the set);
* NFC would change nothing: no character that can compose with the one before it (NFC_QC =
  Maybe after a possible partner, a combining mark or a decomposable letter), no mark after a
  decomposable letter, and adjacent combining marks in canonical order;
* no Indic linker (virama) run that follows something other than a consonant: UAX #29 rule
  GB9c joins a consonant across such a run only when a consonant precedes it, which is what
  ``ugrapheme`` does, while ``regex``'s ``\\X`` joins whatever precedes. Everywhere else the
  two apply the same rules.

The tables come from ``unicodedata`` (the NFC this Python uses), ``regex`` and ``ugrapheme``
themselves, built once on first use (a few tenths of a second), so they follow whatever
versions are installed. tests/text/test_text_fastpath.py checks the result against the
general route.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

import regex

try:  # pragma: no branch
    from ugrapheme import grapheme_slice as _grapheme_slice
    from ugrapheme import grapheme_split as _grapheme_split
    from ugrapheme import ugrapheme as _ug
except (
    ImportError
):  # pragma: no cover - ugrapheme is a dependency; without it, always the general route
    _grapheme_slice = None
    _grapheme_split = None
    _ug = None

__all__ = ["BLOCKS", "fast_characters", "fast_risk", "fast_slice", "fast_split"]

fast_split: Callable[[str], list[str]] | None = _grapheme_split
fast_slice: Callable[[str, int, int], str] | None = _grapheme_slice

# Unicode blocks whose characters may take the fast route (first, last code point).
BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0000, 0x036F),  # Basic Latin .. Combining Diacritical Marks
    (0x0900, 0x0DFF),  # Devanagari .. Sinhala
    (0x1CD0, 0x1CFF),  # Vedic Extensions
    (0x1E00, 0x1EFF),  # Latin Extended Additional (transliteration: ṭ, ḍ, ṅ)
    (0x2000, 0x206F),  # General Punctuation (ZWJ, ZWNJ)
    (0x20A0, 0x20CF),  # Currency Symbols (₹)
    (0xA8E0, 0xA8FF),  # Devanagari Extended
    (0x2190, 0x2BFF),  # arrows, technical and other symbols, dingbats (emoji among them)
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0x1F000, 0x1FAFF),  # emoji, regional indicators (flags)
)

# Canonical combining classes a character on the fast route may have: starters, nukta, virama,
# marks below and above. The rarer classes (overlays, Telugu length marks, Latin horn, double
# diacritics ...) would each add a check to the scan; text with them takes the general route.
FAST_COMBINING_CLASSES = frozenset({0, 7, 9, 220, 230})

# Canonical compositions all have code points below this (plane 2 holds only singletons);
# tests/text/test_text_fastpath.py checks it against a scan of every code point.
COMPOSITE_LIMIT = 0x20000


def _class(chars: Iterable[str]) -> str:
    """A character class body: escaped ranges of consecutive code points."""
    points = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = points[i], points[j]
        parts.append(f"\\U{first:08x}" + (f"-\\U{last:08x}" if last > first else ""))
        i = j + 1
    return "".join(parts)


def _regex_properties(chars: str) -> dict[str, set[str]]:
    names = {
        "control": r"\p{GCB=Control}",
        "cr": r"\p{GCB=CR}",
        "lf": r"\p{GCB=LF}",
        "prepend": r"\p{GCB=Prepend}",
        "extend": r"\p{GCB=Extend}",
        "zwj": r"\p{GCB=ZWJ}",
        "spacingmark": r"\p{GCB=SpacingMark}",
        "l": r"\p{GCB=L}",
        "v": r"\p{GCB=V}",
        "t": r"\p{GCB=T}",
        "lv": r"\p{GCB=LV}",
        "lvt": r"\p{GCB=LVT}",
        "ri": r"\p{GCB=Regional_Indicator}",
        "xpicto": r"\p{Extended_Pictographic}",
        "consonant": r"\p{InCB=Consonant}",
        "incb_extend": r"\p{InCB=Extend}",
        "linker": r"\p{InCB=Linker}",
    }
    return {name: set(regex.findall(pattern, chars)) for name, pattern in names.items()}


def _same_grapheme_properties(ch: str, props: dict[str, set[str]]) -> bool:
    """Whether ``regex`` and ``ugrapheme`` give ``ch`` the same grapheme-break properties."""
    cp = ord(ch)
    if ch in ("\r", "\n"):
        return ch in props["cr"] | props["lf"]  # both treat CR and LF by code point
    ours = (
        ch in props["control"],
        ch in props["prepend"],
        ch in props["extend"] | props["zwj"],
        ch in props["extend"] | props["zwj"] | props["spacingmark"],
        ch in props["l"],
        ch in props["v"],
        ch in props["t"],
        ch in props["lv"],
        ch in props["lvt"],
        ch in props["ri"],
        ch in props["xpicto"],
        ch in props["consonant"],
        ch in props["incb_extend"],
        ch in props["linker"],
    )
    theirs = (
        _ug.is_control_uint32(cp),
        _ug.is_prepend_uint32(cp),
        _ug.is_extend_uint32(cp) or cp == 0x200D,
        _ug.is_postcore_uint32(cp),
        _ug.is_hangul_l(cp),
        _ug.is_hangul_v(cp),
        _ug.is_hangul_t(cp),
        _ug.is_hangul_lv(cp),
        _ug.is_hangul_lvt(cp),
        _ug.is_ri_uint32(cp),
        bool(_ug.is_xpicto_uint32(cp)),
        _ug.is_incb_cons_uint32(cp),
        _ug.is_incb_extend_uint32(cp),
        _ug.is_incb_linker_uint32(cp),
    )
    return ours == tuple(map(bool, theirs))


@cache
def fast_characters() -> frozenset[str]:
    """The characters text may consist of to take the fast route."""
    from tarento_lib.text.unicode import (
        IGNORABLE,
    )  # here, not at import: unicode imports this module

    candidates = "".join(chr(cp) for first, last in BLOCKS for cp in range(first, last + 1))
    props = _regex_properties(candidates)
    return frozenset(
        ch
        for ch in candidates
        if ch not in IGNORABLE
        and unicodedata.combining(ch) in FAST_COMBINING_CLASSES
        and unicodedata.normalize("NFC", ch) == ch
        and _same_grapheme_properties(ch, props)
    )


def _composition_pairs() -> list[tuple[str, str]]:
    """(first, second) of every primary composite: the pairs NFC composes."""
    pairs = []
    for cp in range(COMPOSITE_LIMIT):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2 and unicodedata.normalize("NFC", chr(cp)) == chr(cp):
                pairs.append((chr(int(parts[0], 16)), chr(int(parts[1], 16))))
    return pairs


Condition = tuple[set[str], str]  # the characters it can start at, and the assertion about one


def _nfc_conditions(allowed: frozenset[str]) -> list[Condition]:
    """Where NFC could change a text made of ``allowed`` characters."""
    pairs = _composition_pairs()
    maybe = {
        second for _, second in pairs
    } & allowed  # NFC_QC=Maybe: may compose with what precedes
    partners = {first for first, second in pairs if second in allowed} & allowed
    ccc = {ch: unicodedata.combining(ch) for ch in allowed}
    marks = {ch for ch, value in ccc.items() if value}
    # A character with a canonical decomposition counts as what it decomposes to (a starter,
    # then marks): a mark after it may need reordering, a Maybe character may compose with it.
    decomposable = {ch for ch in allowed if unicodedata.decomposition(ch)[:1] not in ("", "<")}
    conditions = [
        (maybe, f"(?<=[{_class(partners | marks | decomposable)}][{_class(maybe)}])"),
        (marks, f"(?<=[{_class(decomposable)}][{_class(marks)}])"),
    ]
    for value in sorted(set(ccc.values()) - {0}):  # adjacent marks out of canonical order
        higher = {ch for ch in marks if ccc[ch] == value}
        lower = {ch for ch in marks if ccc[ch] < value}
        conditions.append((higher, f"(?<=[{_class(higher)}])(?=[{_class(lower)}])"))
    return [
        (starts, condition) for starts, condition in conditions if starts and "[]" not in condition
    ]


def _linker_conditions(allowed: frozenset[str]) -> list[Condition]:
    """Where ``regex``'s GB9c could join what ``ugrapheme``'s splits.

    A linker (virama) must follow a consonant or another linker, directly or across one
    InCB=Extend character (a nukta). Longer runs are sent to the general route too, which is
    only slower, never wrong.
    """
    props = _regex_properties("".join(sorted(allowed)))
    consonant, extend, linker = (
        props[name] & allowed for name in ("consonant", "incb_extend", "linker")
    )
    if not linker:
        return []
    cons, ext, link = _class(consonant | linker), _class(extend), _class(linker)
    return [(linker, f"(?<=[{link}])(?<![{cons}][{link}])(?<![{cons}][{ext}][{link}])")]


@cache
def fast_risk() -> Callable[[str], object]:
    """``search`` of a pattern that matches wherever the fast route might differ (None: safe).

    The pattern is one character from the union of the conditions' start sets (or from outside
    ``allowed``), then the conditions as alternatives, each an assertion about that character and
    its neighbours. Because it starts with a class, the search skips at C speed to the few
    characters that can start a problem (a virama, a nukta, a mark, an emoji...).
    """
    if fast_split is None:  # pragma: no cover
        return lambda text: True
    allowed = fast_characters()
    first: set[str] = set()
    conditions = [f"(?<=[^{_class(allowed)}])"]
    for starts, condition in _nfc_conditions(allowed) + _linker_conditions(allowed):
        first |= starts
        conditions.append(condition)
    # The first class leaves out every character above U+FFFF (rare; the first condition sorts
    # them out): a class of BMP characters only compiles to one table lookup per character.
    quiet = {ch for ch in allowed - first if ord(ch) <= 0xFFFF}
    return re.compile(f"[^{_class(quiet)}](?:{'|'.join(conditions)})").search
