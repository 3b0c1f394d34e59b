"""Similarity measures: metric laws, the interview answer's DP vs rapidfuzz, known Indic cases,
weights (combined is exactly 1.0 on equal texts for every valid weight set), bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarento_lib.answers import q04_similarity as answer
from tarento_lib.text import (
    DEFAULT_WEIGHTS,
    combined,
    compare,
    cosine,
    jaccard,
    levenshtein,
    levenshtein_similarity,
    ngram_similarity,
    ngrams,
    units,
)

LEVELS = ["grapheme", "codepoint"]
# Devanagari consonants, vowel signs, virama, nukta; Tamil; Bengali; ZWJ/ZWNJ; Latin.
ALPHABET = (
    "कखमस\u093f\u093e\u094d\u093c" + "தம\u0bcd\u0bbf" + "বল\u09be\u09cd" + "\u200c\u200d" + "abA"
)
texts = st.text(alphabet=ALPHABET, max_size=12)


def dp(a: str, b: str, level: str = "grapheme") -> int:
    """The interview answer's two-row DP over the library's prepared units."""
    return answer.edit_distance(units(a, level), units(b, level))


@settings(max_examples=150, deadline=None)
@given(a=texts, b=texts, c=texts, level=st.sampled_from(LEVELS))
def test_levenshtein_is_a_metric(a: str, b: str, c: str, level: str) -> None:
    def d(x: str, y: str) -> int:
        return levenshtein(x, y, level=level)

    assert d(a, a) == 0
    assert d(a, b) == d(b, a)
    assert (d(a, b) == 0) == (units(a, level) == units(b, level))
    assert d(a, c) <= d(a, b) + d(b, c)


@settings(max_examples=150, deadline=None)
@given(a=texts, b=texts, level=st.sampled_from(LEVELS))
def test_dp_agrees_with_rapidfuzz(a: str, b: str, level: str) -> None:
    assert dp(a, b, level) == levenshtein(a, b, level=level)
    if level == "grapheme":  # the answer prepares its texts alike (no ignorable in ALPHABET)
        assert answer.levenshtein(a, b) == levenshtein(a, b)


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
    assert levenshtein(a, b) == answer.levenshtein(a, b) == graphemes
    assert levenshtein(a, b, level="codepoint") == dp(a, b, "codepoint") == codepoints


def test_long_texts_are_fine() -> None:
    assert levenshtein("क" * 20_000, "ख" * 20_000) == 20_000
    assert answer.levenshtein("a" * 300, "b" * 200) == 300


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


weights = st.dictionaries(
    st.sampled_from(list(DEFAULT_WEIGHTS)),
    st.floats(min_value=0, max_value=1e300, allow_subnormal=True),
    min_size=1,
).filter(lambda w: 0 < sum(w.values()) < float("inf"))


@settings(max_examples=300, deadline=None)
@given(text=texts, chosen=weights, level=st.sampled_from(LEVELS))
def test_combined_is_exactly_one_on_equal_texts_for_every_weight_set(
    text: str, chosen: dict[str, float], level: str
) -> None:
    assert combined(text, text, weights=chosen, level=level) == 1.0
    assert combined(text, text.upper(), weights=chosen, level=level) == 1.0  # folded alike


@settings(max_examples=150, deadline=None)
@given(a=texts, b=texts, chosen=weights)
def test_combined_is_a_weighted_mean_in_the_unit_interval(
    a: str, b: str, chosen: dict[str, float]
) -> None:
    score = combined(a, b, weights=chosen)
    scores = compare(a, b)
    assert 0.0 <= score <= 1.0
    assert min(scores[k] for k in chosen if chosen[k] > 0) - 1e-12 <= score
    assert score <= max(scores[k] for k in chosen if chosen[k] > 0) + 1e-12


def test_the_weights_once_normalised_one_by_one_miss_one() -> None:
    """Dividing each weight by the total first rounds: the sum of the parts is not 1.0."""
    chosen = {"levenshtein": 0.1, "jaccard": 0.2, "ngram": 0.3}
    total = sum(chosen.values())
    assert sum(w / total * 1.0 for w in chosen.values()) != 1.0
    assert combined("नमस्ते", "नमस्ते", weights=chosen) == 1.0


def test_weights_are_validated_and_normalised() -> None:
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    assert combined("abc", "abc", weights={k: 1.0 for k in DEFAULT_WEIGHTS}) == 1.0
    assert combined("abcd", "abce", weights={"levenshtein": 2.0}) == 0.75
    with pytest.raises(ValueError, match="finite sum"):
        combined("a", "b", weights={"jaccard": 1e308, "ngram": 1e308})
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
