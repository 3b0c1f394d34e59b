"""Similarity measures: metric laws, DP vs rapidfuzz, known Indic cases, weights, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.text import (
    DEFAULT_WEIGHTS,
    combined,
    compare,
    cosine,
    jaccard,
    levenshtein,
    levenshtein_dp,
    levenshtein_similarity,
    ngram_similarity,
    ngrams,
    similarity,
)

LEVELS = ["grapheme", "codepoint"]
# Devanagari consonants, vowel signs, virama, nukta; Tamil; Bengali; ZWJ/ZWNJ; Latin.
ALPHABET = (
    "कखमस\u093f\u093e\u094d\u093c" + "தம\u0bcd\u0bbf" + "বল\u09be\u09cd" + "\u200c\u200d" + "abA"
)
texts = st.text(alphabet=ALPHABET, max_size=12)


@settings(max_examples=150, deadline=None)
@given(a=texts, b=texts, c=texts, level=st.sampled_from(LEVELS))
def test_levenshtein_is_a_metric(a: str, b: str, c: str, level: str) -> None:
    def d(x: str, y: str) -> int:
        return levenshtein(x, y, level=level)

    assert d(a, a) == 0
    assert d(a, b) == d(b, a)
    assert (d(a, b) == 0) == (similarity.units(a, level) == similarity.units(b, level))
    assert d(a, c) <= d(a, b) + d(b, c)


@settings(max_examples=150, deadline=None)
@given(a=texts, b=texts, level=st.sampled_from(LEVELS))
def test_dp_agrees_with_rapidfuzz(a: str, b: str, level: str) -> None:
    assert levenshtein_dp(a, b, level=level) == levenshtein(a, b, level=level)


@settings(max_examples=100, deadline=None)
@given(a=texts, b=texts, level=st.sampled_from(LEVELS))
def test_every_score_is_in_unit_interval_and_one_on_equal(a: str, b: str, level: str) -> None:
    for name, score in compare(a, b, level=level).items():
        assert 0.0 <= score <= 1.0, name
    assert all(score == 1.0 for score in compare(a, a, level=level).values())
    assert 0.0 <= combined(a, b, level=level) <= 1.0


@pytest.mark.parametrize(
    ("a", "b", "graphemes", "codepoints"),
    [
        ("नमस्ते", "नमस्ते", 0, 0),
        ("क्षमा", "कमा", 1, 2),  # one akshara (क्ष -> क) but two code points
        ("कि", "पि", 1, 1),
        ("नमस्ते", "नमस्कार", 2, 3),
        ("தமிழ்", "தமிழ", 1, 1),  # Tamil: ழ் vs ழ (pulli)
        ("বাংলা", "বাঙলা", 2, 1),  # Bengali: বাং is one cluster, বা + ঙ are two
        ("কি", "কী", 1, 1),  # Bengali short i vs long i sign
        ("অবশ্য", "অবশ", 1, 2),  # Bengali conjunct শ্য vs শ
        ("അവന്\u200d", "അവന്", 1, 1),  # Malayalam chillu (ZWJ) vs "to him"
        ("क्\u200cष", "क्ष", 2, 1),  # ZWNJ breaks the conjunct: different clusters
    ],
)
def test_known_indic_distances(a: str, b: str, graphemes: int, codepoints: int) -> None:
    assert levenshtein(a, b) == levenshtein_dp(a, b) == graphemes
    assert (
        levenshtein(a, b, level="codepoint")
        == levenshtein_dp(a, b, level="codepoint")
        == codepoints
    )


def test_dp_keeps_two_rows_and_bounds_its_work(monkeypatch: pytest.MonkeyPatch) -> None:
    assert levenshtein_dp("a" * 300, "b" * 200) == 300
    monkeypatch.setattr(similarity, "MAX_DP_CELLS", 100)
    with pytest.raises(ValueError, match="MAX_DP_CELLS"):
        levenshtein_dp("a" * 11, "b" * 10)


def test_similarity_values() -> None:
    assert levenshtein_similarity("", "") == 1.0
    assert levenshtein_similarity("abcd", "abce") == 0.75
    assert jaccard("ab", "ba") == 1.0 and jaccard("", "") == 1.0
    # padded bigrams: ^n ni ig gh ht t$ vs ^n na ac ch ht t$ -> 3 shared of 6 + 6
    assert ngram_similarity("night", "nacht") == pytest.approx(2 * 3 / (6 + 6))
    assert ngram_similarity("night", "nacht", method="jaccard") == pytest.approx(3 / 9)
    assert cosine("ab", "ab") == 1.0 and cosine("ab", "cd") == 0.0
    assert ngram_similarity("abc", "abc", n=5) == 1.0


def test_ngrams_are_padded() -> None:
    assert ngrams(["a"], 2) == {("\x02", "a"): 1, ("a", "\x03"): 1}
    assert sum(ngrams([], 3).values()) == 2
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        ngrams("ab", 0)


def test_case_folding_is_optional_and_shared_by_every_measure() -> None:
    assert all(score == 1.0 for score in compare("Hello", "hello").values())
    assert all(
        score < 1.0 for score in compare("Hello", "hello", fold_case=False).values() if score != 1.0
    )
    assert levenshtein("Hello", "hello", fold_case=False) == 1


def test_weights_are_validated_and_normalised() -> None:
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert combined("abc", "abc", weights={k: 1.0 for k in DEFAULT_WEIGHTS}) == 1.0
    assert combined("abcd", "abce", weights={"levenshtein": 2.0}) == 0.75
    with pytest.raises(ValueError, match="unknown measures"):
        combined("a", "b", weights={"soundex": 1.0})
    with pytest.raises(ValueError, match="at least one weight"):
        combined("a", "b", weights={"jaccard": 0.0})
    with pytest.raises(ValueError, match="finite number >= 0"):
        combined("a", "b", weights={"jaccard": -1.0})
    with pytest.raises(TypeError, match="must be a number"):
        combined("a", "b", weights={"jaccard": "1"})


@pytest.mark.parametrize(
    "measure",
    [
        levenshtein,
        levenshtein_dp,
        levenshtein_similarity,
        jaccard,
        ngram_similarity,
        cosine,
        combined,
    ],
)
def test_non_str_arguments_raise_type_error(measure) -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        measure("a", 1)
    with pytest.raises(TypeError, match="text must be a str"):
        measure(None, "a")
    with pytest.raises(ValueError, match="level must be one of"):
        measure("a", "b", level="word")


def test_ngram_bad_arguments() -> None:
    with pytest.raises(ValueError, match="method"):
        ngram_similarity("a", "b", method="overlap")
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        cosine("a", "b", n=0)
