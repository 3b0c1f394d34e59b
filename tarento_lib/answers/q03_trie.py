"""Q3 · A trie for autocomplete: the answer to write in the interview.

Each node maps a character to a child node; the node where a word ends holds the word (as it
was inserted, for display) and its frequency. Keys are compared after NFC and ``casefold``,
so "café" typed either way, or "STRASSE" and "Straße", are one word. ``autocomplete`` walks
to the prefix's node, collects every word below it, and keeps the ``k`` best with a heap.

Time, for a key of length L: ``insert``, ``search``, ``starts_with`` and ``delete`` are O(L);
``autocomplete`` is O(L + n log k) for the n nodes below the prefix. Space: O(total length
of the stored keys). Walks are loops, not recursion, so words of any length work.
"""

from __future__ import annotations

import heapq
import math
import unicodedata

__all__ = ["Trie"]


class TrieNode:
    def __init__(self) -> None:
        self.children: dict[str, TrieNode] = {}
        self.word: str | None = None  # set on the node where a stored word ends
        self.frequency: float = 0.0


def _key(word: str) -> str:
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    return unicodedata.normalize("NFC", word).casefold()


class Trie:
    """A prefix tree of words with frequencies, answering the top-k completions of a prefix."""

    def __init__(self) -> None:
        self._root = TrieNode()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _find(self, prefix: str) -> TrieNode | None:
        node = self._root
        for char in _key(prefix):
            if (node := node.children.get(char)) is None:
                return None
        return node

    def insert(self, word: str, frequency: float = 1.0) -> None:
        """Store ``word``; inserting it again replaces its frequency."""
        if isinstance(frequency, bool) or not isinstance(frequency, (int, float)):
            raise TypeError(f"frequency must be a number, got {frequency!r}")
        if not math.isfinite(frequency):
            raise ValueError(f"frequency must be finite, got {frequency!r}")
        node = self._root
        for char in _key(word):
            node = node.children.setdefault(char, TrieNode())
        self._size += node.word is None
        node.word, node.frequency = word, frequency

    def search(self, word: str) -> bool:
        """Whether ``word`` itself is stored (not merely a prefix of a stored word)."""
        node = self._find(word)
        return node is not None and node.word is not None

    def starts_with(self, prefix: str) -> bool:
        """Whether some stored word starts with ``prefix``."""
        return self._find(prefix) is not None

    def delete(self, word: str) -> bool:
        """Remove ``word``; True if it was stored. Nodes left with no word below are pruned."""
        path: list[tuple[TrieNode, str]] = []  # (parent, character) down to the word's node
        node = self._root
        for char in _key(word):
            if (child := node.children.get(char)) is None:
                return False
            path.append((node, char))
            node = child
        if node.word is None:
            return False
        node.word, self._size = None, self._size - 1
        for parent, char in reversed(path):  # climb back up while the nodes hold nothing
            child = parent.children[char]
            if child.word is not None or child.children:
                break
            del parent.children[char]
        return True

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        """The ``k`` stored words starting with ``prefix``, most frequent first, ties A-Z."""
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"k must be an int >= 1, got {k!r}")
        if k < 1:
            raise ValueError(f"k must be an int >= 1, got {k!r}")
        start = self._find(prefix)
        stack = [start] if start is not None else []
        found: list[tuple[float, str]] = []  # (-frequency, word): the smallest are the best
        while stack:  # depth-first, with a list as the stack
            node = stack.pop()
            if node.word is not None:
                found.append((-node.frequency, node.word))
            stack.extend(node.children.values())
        return [word for _, word in heapq.nsmallest(k, found)]
