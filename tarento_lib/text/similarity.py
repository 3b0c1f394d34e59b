"""Text similarity that is fair to Indian scripts.

Every measure prepares both texts the same way (:func:`~tarento_lib.text.unicode.units`:
NFC, ignorable characters removed, ZWJ/ZWNJ kept, ``casefold`` unless ``fold_case=False``)
and compares them per grapheme cluster (default) or per code point (``level="codepoint"``).
Scores are in [0, 1]; 1.0 means the prepared texts are equal (for the n-gram measures, that
their n-gram profiles are equal, which unequal anagram-like texts can share).

The fast path for edit distance is ``rapidfuzz``, which accepts sequences of graphemes;
:func:`levenshtein_dp` is the readable two-row dynamic programme, kept for teaching.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

from rapidfuzz.distance import Levenshtein as _Levenshtein

from tarento_lib._validate import require_choice, require_int, require_number
from tarento_lib.text.unicode import Level, prepared_graphemes, units

__all__ = [
    "DEFAULT_WEIGHTS",
    "MAX_DP_CELLS",
    "combined",
    "compare",
    "cosine",
    "jaccard",
    "levenshtein",
    "levenshtein_dp",
    "levenshtein_similarity",
    "ngram_similarity",
    "ngrams",
    "two_row_distance",
]

# Edit distance carries the most weight: it is the only measure that sees order and position.
# The three set/bag measures share the rest. Any subset of these keys may be given to
# ``combined``; the weights are normalised to sum to 1.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "levenshtein": 0.4,
    "jaccard": 0.2,
    "ngram": 0.2,
    "cosine": 0.2,
}

# The pure-Python DP refuses inputs whose table would exceed this many cells (time, not memory).
MAX_DP_CELLS = 25_000_000

_START, _END = "\x02", "\x03"  # padding around n-grams, so short texts still have n-grams


def _pair(a: str, b: str, level: Level, fold_case: bool) -> tuple[Sequence[str], Sequence[str]]:
    if level == "grapheme":  # the lists themselves: no copy into tuples
        return prepared_graphemes(a, fold_case), prepared_graphemes(b, fold_case)
    return units(a, level, fold_case=fold_case), units(b, level, fold_case=fold_case)


def levenshtein(a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True) -> int:
    """Edit distance (insertions, deletions, substitutions of one unit each), through rapidfuzz."""
    x, y = _pair(a, b, level, fold_case)
    return _Levenshtein.distance(x, y)


def levenshtein_dp(a: str, b: str, *, level: Level = "grapheme", fold_case: bool = True) -> int:
    """The same distance by dynamic programming over two rows: O(m·n) time, O(min(m, n)) memory."""
    return two_row_distance(*_pair(a, b, level, fold_case))


def two_row_distance(x: Sequence[str], y: Sequence[str]) -> int:
    """The DP itself, over two prepared sequences of units."""
    if len(x) < len(y):
        x, y = y, x  # the row runs over the shorter text
    if len(x) * len(y) > MAX_DP_CELLS:
        raise ValueError(
            f"texts too long for the DP: {len(x)}x{len(y)} cells > MAX_DP_CELLS={MAX_DP_CELLS}"
        )
    previous = list(range(len(y) + 1))
    for i, unit in enumerate(x, start=1):
        current = [i]
        for j, other in enumerate(y, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (unit != other))
            )
        previous = current
    return previous[-1]


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
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = set(chosen) - set(_MEASURES)
    if unknown:
        raise ValueError(
            f"weights has unknown measures {sorted(unknown)}; allowed: {sorted(_MEASURES)}"
        )
    for name, weight in chosen.items():
        require_number(weight, f"weights[{name!r}]", minimum=0)
    total = sum(chosen.values())
    if total <= 0:
        raise ValueError("weights must have at least one weight > 0")
    return {name: weight / total for name, weight in chosen.items() if weight > 0}


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
    """Weighted mean of the measures (``DEFAULT_WEIGHTS`` unless given); always in [0, 1].

    Missing measures weigh 0; unknown names, negative or non-finite weights, or all-zero
    weights raise ``ValueError``.
    """
    normalised = _checked_weights(weights)
    score = sum(
        w * _MEASURES[name](a, b, level=level, fold_case=fold_case)
        for name, w in normalised.items()
    )
    return min(1.0, max(0.0, score))
