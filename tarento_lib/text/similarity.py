"""Text similarity that is fair to Indian scripts.

Every measure prepares both texts the same way (:func:`~tarento_lib.text.unicode.units`:
NFC, ignorable characters removed, ZWJ/ZWNJ kept, ``casefold`` unless ``fold_case=False``)
and compares them per grapheme cluster (default) or per code point (``level="codepoint"``).
Scores are in [0, 1]; 1.0 means the prepared texts are equal (for the n-gram measures, that
their n-gram profiles are equal, which unequal anagram-like texts can share).

Edit distance is rapidfuzz's, which accepts any sequences of hashable items, grapheme clusters
included: the same answer as the two-row dynamic programme, computed in C.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

from rapidfuzz.distance import Levenshtein as _Levenshtein

from tarento_lib._validate import require_choice, require_int, require_number
from tarento_lib.text.unicode import Level, units

__all__ = [
    "DEFAULT_WEIGHTS",
    "combined",
    "compare",
    "cosine",
    "jaccard",
    "levenshtein",
    "levenshtein_similarity",
    "ngram_similarity",
    "ngrams",
]

# Edit distance carries the most weight: it is the only measure that sees order and position.
# The three set/bag measures share the rest. Any subset of these keys may be given to
# ``combined``; the result is divided by the sum of the weights given.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "levenshtein": 0.4,
    "jaccard": 0.2,
    "ngram": 0.2,
    "cosine": 0.2,
}

_START, _END = "\x02", "\x03"  # padding around n-grams, so short texts still have n-grams


def _pair(a: str, b: str, level: Level, fold_case: bool) -> tuple[Sequence[str], Sequence[str]]:
    return units(a, level, fold_case=fold_case), units(b, level, fold_case=fold_case)


def levenshtein(a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True) -> int:
    """Edit distance (insertions, deletions, substitutions of one unit each), through rapidfuzz."""
    return _Levenshtein.distance(*_pair(a, b, level, fold_case))


def levenshtein_similarity(
    a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True
) -> float:
    """``1 - distance / longer length``: 1.0 for equal texts, 0.0 when no unit can be kept."""
    x, y = _pair(a, b, level, fold_case)
    longest = max(len(x), len(y))
    return 1.0 if longest == 0 else 1.0 - _Levenshtein.distance(x, y) / longest


def jaccard(a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True) -> float:
    """|A ∩ B| / |A ∪ B| over the sets of units (1.0 when both texts are empty)."""
    x, y = (set(u) for u in _pair(a, b, level, fold_case))
    union = x | y
    return 1.0 if not union else len(x & y) / len(union)


def ngrams(sequence: Sequence[str], n: int = 2) -> Counter[tuple[str, ...]]:
    """The bag of n-grams of ``sequence`` padded with n-1 start and end markers.

    Padding gives every text, even one shorter than n (or empty), at least one n-gram, and
    marks where words begin and end: "a" and "b" share no bigram.
    """
    require_int(n, "n", minimum=1)
    padded = (_START,) * (n - 1) + tuple(sequence) + (_END,) * (n - 1)
    return Counter(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))


def ngram_similarity(
    a: str,
    b: str,
    *,
    n: int = 2,
    method: Literal["dice", "jaccard"] = "dice",
    level: Level = "grapheme",
    fold_case: bool = True,
) -> float:
    """Dice (2|A∩B| / (|A|+|B|)) or Jaccard over the bags of padded n-grams."""
    require_choice(method, "method", ("dice", "jaccard"))
    x, y = (ngrams(u, n) for u in _pair(a, b, level, fold_case))
    common = sum((x & y).values())
    if method == "dice":
        return 2 * common / (sum(x.values()) + sum(y.values()))
    return common / sum((x | y).values())


def cosine(
    a: str, b: str, *, n: int = 2, level: Level = "grapheme", fold_case: bool = True
) -> float:
    """Cosine of the angle between the padded n-gram count vectors."""
    x, y = (ngrams(u, n) for u in _pair(a, b, level, fold_case))
    if x == y:
        return 1.0  # exact, without rounding error
    dot = sum(count * y[gram] for gram, count in x.items())
    norms = math.sqrt(sum(c * c for c in x.values())) * math.sqrt(sum(c * c for c in y.values()))
    return min(1.0, dot / norms)


_MEASURES = {
    "levenshtein": levenshtein_similarity,
    "jaccard": jaccard,
    "ngram": ngram_similarity,
    "cosine": cosine,
}


def _checked_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """The weights to use, by measure: known names, finite, >= 0, with a finite sum > 0."""
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(chosen) - set(_MEASURES)
    if unknown:
        raise ValueError(
            f"weights has unknown measures {sorted(unknown)}; allowed: {sorted(_MEASURES)}"
        )
    for name, weight in chosen.items():
        require_number(weight, f"weights[{name!r}]", minimum=0)
    if not 0 < sum(chosen.values()) < math.inf:
        raise ValueError("weights must have at least one weight > 0 and a finite sum")
    return {name: weight for name, weight in chosen.items() if weight > 0}


def compare(
    a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True
) -> dict[str, float]:
    """Every measure's score for the pair, by name (the names ``combined`` weights use)."""
    return {
        name: measure(a, b, level=level, fold_case=fold_case) for name, measure in _MEASURES.items()
    }


def combined(
    a: str,
    b: str,
    *,
    weights: Mapping[str, float] | None = None,
    level: Level = "grapheme",
    fold_case: bool = True,
) -> float:
    """Weighted mean of the measures (``DEFAULT_WEIGHTS`` unless given): in [0, 1], and exactly
    1.0 when the prepared texts are equal, whatever the weights.

    Missing measures weigh 0; unknown names, negative or non-finite weights, or weights that
    are all zero (or whose sum overflows) raise ``ValueError``.
    """
    chosen = _checked_weights(weights)
    scores = {name: _MEASURES[name](a, b, level=level, fold_case=fold_case) for name in chosen}
    # One division by the raw total. Equal texts score exactly 1.0 on every measure, so the
    # numerator is the same sum as the denominator and the result is exactly 1.0; and since
    # w * s <= w for every score s <= 1, the result never exceeds 1.0 either.
    return sum(w * scores[name] for name, w in chosen.items()) / sum(chosen.values())
