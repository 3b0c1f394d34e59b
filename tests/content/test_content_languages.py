"""Languages: the Eighth Schedule list, fallback chains and Accept-Language parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.content import (
    DEFAULT_LANGUAGE,
    FALLBACKS,
    LANGUAGES,
    SCHEDULED_LANGUAGES,
    LanguageCode,
    fallback_chain,
    parse_accept_language,
    resolution_order,
)


def test_twenty_two_scheduled_languages_plus_english() -> None:
    assert len(SCHEDULED_LANGUAGES) == 22
    assert LanguageCode.SANSKRIT in SCHEDULED_LANGUAGES
    assert LanguageCode.ENGLISH not in SCHEDULED_LANGUAGES
    assert set(LANGUAGES) == set(LanguageCode) and len(LanguageCode) == 23


def test_every_language_has_a_native_name_and_script() -> None:
    for code, info in LANGUAGES.items():
        assert info.code is code and info.native_name and len(info.script) == 4
    assert LANGUAGES[LanguageCode.HINDI].native_name == "हिन्दी"
    assert (
        LANGUAGES[LanguageCode.URDU].right_to_left
        and not LANGUAGES[LanguageCode.HINDI].right_to_left
    )


def test_codes_format_as_their_value() -> None:
    """Q6-12: f-strings show the code, not ``LanguageCode.HINDI``."""
    assert f"{LanguageCode.HINDI}" == "hi" and str(LanguageCode.MAITHILI) == "mai"


@pytest.mark.parametrize("code", list(LanguageCode))
def test_every_chain_starts_with_itself_and_ends_in_english(code: LanguageCode) -> None:
    chain = fallback_chain(code)
    assert chain[0] == code and chain[-1] == DEFAULT_LANGUAGE and len(set(chain)) == len(chain)


def test_maithili_falls_back_through_hindi() -> None:
    assert fallback_chain("mai") == ("mai", "hi", "en")
    assert FALLBACKS[LanguageCode.KONKANI] == LanguageCode.MARATHI


def test_unknown_code_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="xx"):
        fallback_chain("xx")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ()),
        ("", ()),
        ("hi", ("hi",)),
        ("hi-IN", ("hi",)),
        ("HI-in", ("hi",)),
        ("en;q=0.5, ta", ("ta", "en")),
        ("fr, de", ()),
        ("*", ()),
        ("hi;q=0", ()),
        ("ta;q=0.8, hi;q=0.8", ("ta", "hi")),
        ("hi;q=abc, en", ("en",)),
        ("mai;q=1.0, mai;q=0.1", ("mai",)),
        ("x" * 2000, ()),
    ],
)
def test_accept_language_parsing(header: str | None, expected: tuple[str, ...]) -> None:
    assert parse_accept_language(header) == expected


@given(st.text(max_size=300))
def test_accept_language_never_raises(header: str) -> None:
    result = parse_accept_language(header)
    assert all(isinstance(code, LanguageCode) for code in result)


def test_resolution_order_explicit_then_header_then_fallbacks() -> None:
    assert resolution_order(LanguageCode.MAITHILI, "ta, bn;q=0.5") == (
        "mai",
        "ta",
        "bn",
        "hi",
        "en",
    )
    assert resolution_order(None, None) == ("en",)


@given(st.sampled_from(list(LanguageCode)) | st.none(), st.text(max_size=80))
def test_resolution_order_always_ends_in_english_without_repeats(
    lang: LanguageCode | None, header: str
) -> None:
    order = resolution_order(lang, header)
    assert order[-1] == DEFAULT_LANGUAGE and len(set(order)) == len(order)
    if lang is not None:
        assert order[0] == lang
