"""Reference points for the top-k trie: the usual ways to answer "top k words with this prefix".

* :class:`CollectAllTrie` is the textbook answer: walk the whole subtree under the prefix,
  collect every word, sort them all, keep k. Correct, but each keystroke costs
  O(subtree log subtree) however small k is.
* :class:`SortedWordList` keeps the folded keys sorted: ``bisect`` finds the block of
  words with the prefix, ``heapq.nsmallest`` picks the best k of the block (O(block)).

Both use the same folding and ranking as :class:`~tarento_lib.text.trie.Trie`, so their
answers are identical and only the cost differs.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable

from tarento_lib._validate import require_int, require_number, require_str
from tarento_lib.text.unicode import fold

__all__ = ["CollectAllTrie", "SortedWordList"]


class _PlainNode:
    __slots__ = ("children", "frequency", "word")

    def __init__(self) -> None:
        self.children: dict[str, _PlainNode] = {}
        self.word: str | None = None
        self.frequency: float = 0


class CollectAllTrie:
    """A plain trie whose autocomplete collects and sorts the whole subtree (iteratively)."""

    def __init__(self, words: Iterable[tuple[str, float]] = ()) -> None:
        self._root = _PlainNode()
        self._size = 0
        for word, frequency in words:
            self.insert(word, frequency)

    def __len__(self) -> int:
        return self._size

    def insert(self, word: str, frequency: float = 1) -> None:
        key = fold(require_str(word, "word"))
        require_number(frequency, "frequency", minimum=0)
        if not key:
            raise ValueError("word must be a non-empty string")
        node = self._root
        for ch in key:
            child = node.children.get(ch)
            if child is None:
                child = node.children[ch] = _PlainNode()
            node = child
        self._size += node.word is None
        node.word, node.frequency = word, frequency

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        require_int(k, "k", minimum=1)
        node: _PlainNode | None = self._root
        key = fold(require_str(prefix, "prefix"))
        for ch in key:
            node = node.children.get(ch)
            if node is None:
                return []
        found: list[tuple[float, str, str]] = []
        stack = [(node, key)]
        while stack:
            node, path = stack.pop()
            if node.word is not None:
                found.append((-node.frequency, path, node.word))
            stack.extend((child, path + ch) for ch, child in node.children.items())
        found.sort()
        return [word for _, _, word in found[:k]]


class SortedWordList:
    """Folded keys in sorted order; a prefix is a contiguous block found with ``bisect``."""

    def __init__(self, words: Iterable[tuple[str, float]]) -> None:
        best: dict[str, tuple[str, float]] = {}
        for word, frequency in words:
            require_number(frequency, "frequency", minimum=0)
            best[fold(require_str(word, "word"))] = (word, frequency)
        self._keys = sorted(best)
        self._words = [best[key][0] for key in self._keys]
        self._freqs = [best[key][1] for key in self._keys]

    def __len__(self) -> int:
        return len(self._keys)

    def block(self, prefix: str) -> range:
        """Indexes of the keys that start with ``prefix``."""
        key = fold(require_str(prefix, "prefix"))
        lo = bisect_left(self._keys, key)
        hi = bisect_left(self._keys, key + "\U0010ffff", lo)
        return range(lo, hi)

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        require_int(k, "k", minimum=1)
        best = heapq.nsmallest(
            k, self.block(prefix), key=lambda i: (-self._freqs[i], self._keys[i])
        )
        return [self._words[i] for i in best]
