"""Strings: a frequency-ranked autocomplete trie, and Unicode/Indic-aware text similarity."""

from tarento_lib.text.baselines import CollectAllTrie, SortedWordList
from tarento_lib.text.similarity import (
    DEFAULT_WEIGHTS,
    combined,
    compare,
    cosine,
    jaccard,
    levenshtein,
    levenshtein_similarity,
    ngram_similarity,
    ngrams,
)
from tarento_lib.text.trie import Trie
from tarento_lib.text.unicode import (
    IGNORABLE,
    first_graphemes,
    fold,
    graphemes,
    normalize,
    units,
)
from tarento_lib.text.vocabulary import load_vocabulary

__all__ = [
    "DEFAULT_WEIGHTS",
    "IGNORABLE",
    "CollectAllTrie",
    "SortedWordList",
    "Trie",
    "combined",
    "compare",
    "cosine",
    "first_graphemes",
    "fold",
    "graphemes",
    "jaccard",
    "levenshtein",
    "levenshtein_similarity",
    "load_vocabulary",
    "ngram_similarity",
    "ngrams",
    "normalize",
    "units",
]
