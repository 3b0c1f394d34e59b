"""The text suites: the reference passes every case; broken candidates fail the right ones."""

from __future__ import annotations

import unicodedata

import regex

from tarento_lib.answers import q04_similarity
from tarento_lib.lab import get_suite, run_suite
from tarento_lib.text import CollectAllTrie, Trie, levenshtein


def failed(candidate: object, suite: str) -> set[str]:
    return {result.name for result in run_suite(candidate, suite).failed}


def test_reference_trie_passes_every_case() -> None:
    card = run_suite(Trie, "trie")
    assert card.ok, card.render()
    assert len(card.results) == len(get_suite("trie").cases) == 13


def test_reference_levenshtein_passes_every_case() -> None:
    assert run_suite(levenshtein, "levenshtein").ok
    assert run_suite(q04_similarity.levenshtein, "levenshtein").ok


class CountsEveryInsert(Trie):
    """Q3-1: the count goes up on every insert."""

    def insert(self, word: str, frequency: float = 1) -> None:
        super().insert(word, frequency)
        self._size = getattr(self, "_inserts", 0) + 1
        self._inserts = self._size


class PrunedFlagDelete(Trie):
    """Q3-2: delete answers "could the node be pruned", not "was the word there"."""

    def delete(self, word: str) -> bool:
        prunable = not self._find(word).children if self.search(word) else False
        super().delete(word)
        return prunable


class DepthCapped(Trie):
    """Q3-3: completions 50 or more characters below the prefix are dropped."""

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        return [w for w in super().autocomplete(prefix, k) if len(w) - len(prefix) < 50]


class RecursiveDelete(Trie):
    """Q3-4: a recursive delete overflows on long words."""

    def delete(self, word: str) -> bool:
        def walk(i: int) -> None:
            if i < len(word):
                walk(i + 1)

        walk(0)
        return super().delete(word)


class LowerOnly(Trie):
    """lower() instead of NFC + casefold."""

    def search(self, word: str) -> bool:
        if not isinstance(word, str):
            raise TypeError("word must be a str")
        return any(w.lower() == word.lower() for w, _ in self.items())


def test_broken_tries_fail_exactly_their_cases() -> None:
    assert failed(CountsEveryInsert, "trie") == {
        "a re-inserted word counts once",
        "agrees with the reference on random operations",
    }
    assert failed(PrunedFlagDelete, "trie") == {"delete keeps words that share a prefix"}
    assert failed(DepthCapped, "trie") == {"long words are suggested"}
    assert failed(RecursiveDelete, "trie") == {"a 10,000-character word can be deleted"}
    assert failed(LowerOnly, "trie") == {"case and Unicode forms are folded"}
    assert failed(CollectAllTrie, "trie") >= {
        "finds inserted words and prefixes",
        "delete keeps words that share a prefix",
    }


def codepoint_levenshtein(a: str, b: str) -> int:
    return levenshtein(a, b, level="codepoint")


def full_table(a: str, b: str) -> int:
    x, y = (regex.findall(r"\X", unicodedata.normalize("NFC", s).casefold()) for s in (a, b))
    table = [[0] * (len(y) + 1) for _ in range(len(x) + 1)]
    for i in range(len(x) + 1):
        for j in range(len(y) + 1):
            if i == 0 or j == 0:
                table[i][j] = i + j
            else:
                table[i][j] = min(
                    table[i - 1][j] + 1,
                    table[i][j - 1] + 1,
                    table[i - 1][j - 1] + (x[i - 1] != y[j - 1]),
                )
    return table[-1][-1]


def strips_format_characters(a: str, b: str) -> int:
    def strip(s: str) -> str:
        return "".join(ch for ch in s if unicodedata.category(ch) != "Cf")

    return levenshtein(strip(a), strip(b))


def no_nfc(a: str, b: str) -> int:
    return (
        levenshtein(a, b)
        if unicodedata.is_normalized("NFC", a + b)
        else levenshtein(a, b, level="codepoint") + 1
    )


def test_broken_levenshteins_fail_exactly_their_cases() -> None:
    assert failed(codepoint_levenshtein, "levenshtein") == {
        "counts grapheme clusters, not code points",
        "zero-width joiners are kept",
    }
    assert failed(full_table, "levenshtein") == {"uses two rows of memory"}
    assert failed(strips_format_characters, "levenshtein") == {"zero-width joiners are kept"}
    assert failed(no_nfc, "levenshtein") == {"canonically equal texts are equal"}


def test_stub_fails_every_case() -> None:
    def stub(a: str, b: str) -> int:
        raise NotImplementedError

    assert len(failed(stub, "levenshtein")) == len(get_suite("levenshtein").cases)
