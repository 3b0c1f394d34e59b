"""Model-based test: the Trie against a dict plus sorted(), in any order of operations."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tarento_lib.text import Trie

# Latin with case and an accent, and Devanagari letters, vowel signs, virama and nukta.
ALPHABET = "abAB\u00e9e\u0301" + "कखनमस\u093f\u093e\u094d\u093c"
words = st.text(alphabet=ALPHABET, min_size=1, max_size=5)
prefixes = st.text(alphabet=ALPHABET, max_size=3)
frequencies = st.integers(min_value=0, max_value=5)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


class TrieModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.trie = Trie(cache_size=3)
        self.model: dict[str, tuple[str, int]] = {}  # folded key -> (word as inserted, frequency)

    @rule(word=words, frequency=frequencies)
    def insert(self, word: str, frequency: int) -> None:
        self.trie.insert(word, frequency)
        self.model[_fold(word)] = (word, frequency)

    @rule(word=words)
    def delete(self, word: str) -> None:
        assert self.trie.delete(word) == (self.model.pop(_fold(word), None) is not None)

    @rule(word=words)
    def search(self, word: str) -> None:
        assert self.trie.search(word) == (_fold(word) in self.model)

    @rule(prefix=prefixes, k=st.integers(min_value=1, max_value=6))
    def autocomplete(self, prefix: str, k: int) -> None:
        key = _fold(prefix)
        ranked = sorted((-f, kk, w) for kk, (w, f) in self.model.items() if kk.startswith(key))
        assert self.trie.autocomplete(prefix, k) == [w for _, _, w in ranked[:k]]

    @invariant()
    def same_size(self) -> None:
        assert len(self.trie) == len(self.model)


TrieModel.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestTrieModel = TrieModel.TestCase
