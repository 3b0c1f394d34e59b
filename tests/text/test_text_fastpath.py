"""The fast route of ``prepared_graphemes`` gives exactly what the general route gives.

General route: ``fold`` (or ``normalize``) then ``regex``'s ``\\X``. Fast route: a risk scan,
``str.casefold`` and ``ugrapheme``. Hypothesis mixes Indic, Latin, emoji, ZWJ/ZWNJ, ignorable,
Hangul and control characters; the known cases include every disagreement between ``\\X``
and ``ugrapheme`` that the scan must catch.
"""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tarento_lib.text import _fastpath, first_graphemes, fold, normalize, units
from tarento_lib.text.unicode import _GRAPHEME, prepared_graphemes

pytestmark = pytest.mark.skipif(_fastpath.fast_split is None, reason="ugrapheme is not installed")


def general(text: str, fold_case: bool = True) -> list[str]:
    return _GRAPHEME.findall(fold(text) if fold_case else normalize(text))


def takes_fast_route(text: str) -> bool:
    return _fastpath.fast_risk()(text) is None


def _range(first: int, last: int) -> list[str]:
    return [chr(cp) for cp in range(first, last + 1)]


# Characters that matter to NFC, case folding or grapheme clusters, and plain ones around them.
INDIC = _range(0x0900, 0x0DFF) + _range(0x1CD0, 0x1CFF) + _range(0xA8E0, 0xA8FF)
LATIN = (
    list("aAeEnNsSzZiI ßẞİıΣσςﬁ.,-'\"0123456789") + _range(0x00C0, 0x017F) + _range(0x1E00, 0x1EFF)
)
MARKS = _range(0x0300, 0x036F)
JOINERS = ["\u200d", "\u200c", "\ufe0f", "\ufe0e"]
IGNORABLES = ["\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f", "\u202a", "\u2066"]
EMOJI = (
    _range(0x1F600, 0x1F64F)
    + _range(0x1F3FB, 0x1F3FF)
    + _range(0x1F1E6, 0x1F1FF)
    + [
        "\u2764",
        "\u263a",
        "\u00a9",
        "\u203c",
        "\U0001f468",
        "\U0001f469",
        "\U0001f467",
        "\U0001fae8",
        "\U0001fac6",
    ]
)
OTHER = [
    "\r",
    "\n",
    "\t",
    "\u0600",
    "\u0605",
    "\u1100",
    "\u1161",
    "\u11a8",
    "\uac00",
    "\uac01",
    "\u0e33",
    "\u0f73",
    "\u212b",
    "\u2126",
    "\u0344",
    "\U00011099",
    "\U000110ba",
    "\U0001d15e",
    "\u0b53",
    "\u0b55",
]
# Nukta, virama, consonants that compose with nukta (न र ळ), precomposed nukta letters.
HOT = [
    "\u093c",
    "\u094d",
    "\u0928",
    "\u0930",
    "\u0933",
    "\u0915",
    "\u0937",
    "\u0958",
    "\u0929",
    "\u09cd",
    "\u09bc",
    "\u0acd",
    "\u0b4d",
    "\u0c4d",
    "\u0d4d",
    "\u0bcd",
    "\u0dca",
    "\u0951",
    "\u0952",
]

ALPHABET = INDIC + LATIN + MARKS + JOINERS + IGNORABLES + EMOJI + OTHER + HOT * 8

texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=24)
mostly_indic = st.text(
    alphabet=st.sampled_from(_range(0x0900, 0x097F) + HOT * 4 + [" ", "\u200d", "\u200c"]),
    max_size=30,
)

KNOWN = [
    "",
    "नमस्ते",
    "क्षमा",
    "e\u0301a",
    "cafe\u0301",
    "café",
    "Straße",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "ज़्यादा",
    "अंग्रेज़ी",
    "न\u093c",
    "र\u093c",
    "ऩ",
    "क\u093c",
    "\u0958",
    "क\u094d\u200dष",
    "क्\u200cष",
    "അവന്\u200d",
    "\u094d\u0915",
    "a\u094d\u0915",
    "\u0905\u094d\u0915",
    " \u094d\u0915",
    "a\u0301\u094d\u0915",
    "\u0915\u0301\u094d\u0915",
    "\u0c61\u0acd\u0b37",
    "\U0001f451\u0c4d\u09dd",
    "\u0915\u0acd\u0b37",
    "\u0915\u093f\u094d\u0915",
    "\u0915\u093c\u093c\u094d\u0915",
    "\u0915\u094d\u093c",
    "a\u0316\u0301",
    "a\u0301\u0316",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f44d\U0001f3fd",
    "\U0001f1ee\U0001f1f3\U0001f1ee",
    "\u2764\ufe0f",
    "\r\n",
    "\n\u094d\u0915",
    "\u0600\u0915",
    "\u1100\u1161\u11a8",
    "\ufeffनमस्ते\u200e",
    "\u0bd5\u0b53",
    "\U0001f423\u091e\u0b53\u0923",
    "\u0915\u0952\u0951",
    "\u0915\u0951\u0952",
    "\u0915\u094d\u094d\u0915",
    "\u1e4d\u0323",
    "o\u0303\u0323",
    "\u1ecd\u0302",
    "\u0929\u094d",
    "\u0bca\u0bbe",  # decomposed letters and marks
]


@pytest.mark.parametrize("text", KNOWN)
@pytest.mark.parametrize("fold_case", [True, False])
def test_known_cases(text: str, fold_case: bool) -> None:
    assert prepared_graphemes(text, fold_case) == general(text, fold_case)
    if takes_fast_route(text):
        assert _fastpath.fast_split(text) == _GRAPHEME.findall(text)


def test_everyday_text_takes_the_fast_route() -> None:
    for text in [
        "नमस्ते दुनिया",
        "ज़्यादा अंग्रेज़ी",
        "क्षत्रिय",
        "Hello, world",
        "café ₹100 👍🏽",
        "அம்மா",
        "ಕನ್ನಡ",
    ]:
        assert takes_fast_route(text), text
    for text in [
        "cafe\u0301",
        "\ufeffनमस्ते",
        "\u0958",
        "a\u094d\u0915",
        "\u0915\u0951\u0952",
        "漢字",
    ]:
        assert not takes_fast_route(text), text


@pytest.mark.slow  # 3,000 Hypothesis examples: seconds each
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.booleans())
@example("a\u0301\u094d\u0915", True)
def test_fast_route_equals_general_route(text: str, fold_case: bool) -> None:
    assert prepared_graphemes(text, fold_case) == general(text, fold_case)
    assert units(text, fold_case=fold_case) == tuple(general(text, fold_case))


@pytest.mark.slow  # 3,000 Hypothesis examples: seconds each
@settings(max_examples=3000, deadline=None)
@given(st.one_of(texts, mostly_indic))
def test_fast_split_equals_regex_x_where_the_scan_allows_it(text: str) -> None:
    if takes_fast_route(text):
        assert unicodedata.is_normalized("NFC", text)
        assert _fastpath.fast_split(text) == _GRAPHEME.findall(text)


@pytest.mark.slow  # 3,000 Hypothesis examples: seconds each
@settings(max_examples=3000, deadline=None)
@given(st.one_of(texts, mostly_indic), st.integers(min_value=1, max_value=30))
@example("\u0915\u094d\u0937", 1)  # the boundary after the slice depends on the next character
@example("a\u0301\u094d\u0915", 1)
def test_first_graphemes_equals_the_first_n_regex_clusters(text: str, n: int) -> None:
    assert first_graphemes(text, n) == "".join(_GRAPHEME.findall(text)[:n])


@pytest.mark.parametrize("text", KNOWN)
def test_first_graphemes_on_known_cases(text: str) -> None:
    clusters = _GRAPHEME.findall(text)
    for n in range(1, len(clusters) + 2):
        assert first_graphemes(text, n) == "".join(clusters[:n]), (text, n)


def test_first_graphemes_rejects_bad_input() -> None:
    with pytest.raises(TypeError):
        first_graphemes(b"abc", 2)
    with pytest.raises(ValueError):
        first_graphemes("abc", 0)


def _representatives() -> list[str]:
    """One character per combination of the properties the route depends on (with the HOT ones)."""
    allowed = _fastpath.fast_characters()
    props = _fastpath._regex_properties("".join(sorted(allowed)))
    pairs = _fastpath._composition_pairs()
    firsts, seconds = {a for a, _ in pairs}, {b for _, b in pairs}
    by_key: dict[tuple, str] = {}
    for ch in sorted(allowed):
        decomposable = unicodedata.decomposition(ch)[:1] not in ("", "<")
        key = (
            tuple(ch in members for members in props.values()),
            unicodedata.combining(ch),
            ch in firsts,
            ch in seconds,
            decomposable,
        )
        by_key.setdefault(key, ch)
    return sorted(set(by_key.values()) | {ch for ch in HOT if ch in allowed} | {"\u0300", "\u0301"})


def test_every_triple_of_property_representatives() -> None:
    reps = _representatives()
    assert len(reps) > 30
    checked = 0
    for triple in itertools.product(reps, repeat=3):
        text = "".join(triple)
        if takes_fast_route(text):
            checked += 1
            assert _fastpath.fast_split(text) == _GRAPHEME.findall(text), [
                hex(ord(c)) for c in text
            ]
            assert unicodedata.is_normalized("NFC", text), [hex(ord(c)) for c in text]
    assert checked > 1000


def test_composition_limit_covers_every_composite() -> None:
    beyond = [
        cp
        for cp in range(_fastpath.COMPOSITE_LIMIT, 0x110000)
        if (d := unicodedata.decomposition(chr(cp)))
        and not d.startswith("<")
        and len(d.split()) == 2
    ]
    assert beyond == []
