"""Unicode preparation: NFC, ignorable characters, ZWJ/ZWNJ, graphemes, folding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.text import IGNORABLE, first_graphemes, fold, graphemes, normalize, units

# Devanagari letters, signs, virama and nukta; ZWJ/ZWNJ; a decomposed accent; emoji; CR LF.
MIXED = st.text(
    alphabet=st.sampled_from(
        [
            *"कषनरमस\u093f\u093e\u094d\u093c\u0958\u200c\u200d ae\u0301\r\n",
            *("\U0001f44d", "\U0001f3fd", "\U0001f1ee", "\U0001f1f3"),
        ]
    ),
    max_size=20,
)


def test_nfc_and_nukta() -> None:
    assert normalize("cafe\u0301") == "caf\u00e9"
    # U+0958 is excluded from composition: NFC turns it into क + nukta, like the decomposed input.
    assert normalize("\u0958") == normalize("\u0915\u093c") == "\u0915\u093c"


def test_only_ignorable_characters_are_removed() -> None:
    assert normalize("\ufeffनमस्ते\u200e") == "नमस्ते"
    assert normalize("co\u00adoperate") == "cooperate"
    assert normalize("അവന്\u200d") == "അവന്\u200d"  # ZWJ kept
    assert normalize("क्\u200cष") == "क्\u200cष"  # ZWNJ kept
    assert "\u200c" not in IGNORABLE and "\u200d" not in IGNORABLE


def test_graphemes_are_aksharas() -> None:
    assert graphemes("नमस्ते") == ["न", "म", "स्ते"]
    assert len("नमस्ते") == 6
    assert graphemes("क्षमा") == ["क्ष", "मा"]
    assert graphemes("") == []
    assert graphemes("e\u0301a") == ["e\u0301", "a"]


def test_fold_uses_casefold_not_lower() -> None:
    assert fold("Straße") == "strasse"
    assert "Straße".lower() == "straße"
    assert fold("ΣΊΣΥΦΟΣ") == fold("σίσυφος".upper())
    assert fold("नमस्ते") == "नमस्ते"  # no case in Devanagari: folding changes nothing


def test_units_levels() -> None:
    assert units("नमस्ते") == ("न", "म", "स्ते")
    assert units("नमस्ते", "codepoint") == tuple("नमस्ते")
    assert units("AB", fold_case=False) == ("A", "B")
    with pytest.raises(ValueError, match="level must be one of"):
        units("a", "word")


@pytest.mark.parametrize("func", [normalize, fold, graphemes])
def test_non_str_raises(func) -> None:
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        func(b"abc")


@settings(max_examples=300, deadline=None)
@given(text=MIXED, n=st.integers(min_value=1, max_value=25))
def test_first_graphemes_is_the_first_n_clusters(text: str, n: int) -> None:
    assert first_graphemes(text, n) == "".join(graphemes(text)[:n])


def test_first_graphemes_cuts_between_aksharas() -> None:
    assert first_graphemes("क्षमा", 1) == "क्ष"  # not "क", nor "क्"
    assert first_graphemes("नमस्ते", 3) == first_graphemes("नमस्ते", 9) == "नमस्ते"
    assert first_graphemes("", 2) == ""
    with pytest.raises(TypeError, match="text must be a str"):
        first_graphemes(b"abc", 2)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        first_graphemes("abc", 0)
