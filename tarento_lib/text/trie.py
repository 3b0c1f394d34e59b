"""A prefix tree whose nodes remember their best completions, so autocomplete is O(prefix + k).

Every node keeps ``top``: the ``cache_size`` best words of its subtree, as a tuple of records
``(-frequency, key, word)`` sorted ascending (highest frequency first, ties by key). A node
without a word of its own and with one child shares that child's tuple, so the long
single-word tails of a trie cost no extra lists.
A top-k query walks the prefix and slices that list; it never visits the subtree.

Keeping the lists right:

* a new word, or a higher frequency, can only climb: offer its record to each node on its
  path, deepest first, and stop at the first node that does not take it (the lists of the
  ancestors are at least as good, so they would not take it either);
* a lower frequency, or a delete, can let an unseen word in: each node on the path that
  held the word rebuilds its list from its own word and its children's lists, deepest first.

Everything is iterative, so a word of any length can be inserted, found and deleted.
"""

from __future__ import annotations

import heapq
from bisect import bisect
from collections.abc import Iterable, Iterator
from itertools import chain

from tarento_lib._validate import require_int, require_number, require_str
from tarento_lib.text.unicode import fold

__all__ = ["Trie"]

Record = tuple[float, str, str]  # (-frequency, key, word as inserted)


class _Node:
    __slots__ = ("children", "entry", "top")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entry: Record | None = None  # set when a word ends here
        self.top: tuple[Record, ...] = ()


def _key(word: object, name: str) -> str:
    return fold(require_str(word, name))


def _position(top: tuple[Record, ...], key: str) -> int:
    """Index of ``key``'s record in ``top``, or -1."""
    for i, record in enumerate(top):
        if record[1] == key:
            return i
    return -1


class Trie:
    """Words with frequencies; prefix search and frequency-ranked autocomplete.

    Words are compared after NFC normalisation and ``casefold()`` (ignorable characters such
    as a BOM are dropped, see :func:`~tarento_lib.text.unicode.fold`), so "Apple" and "apple"
    are one word (the latest spelling inserted is the one returned). Any script works.
    ``cache_size`` is how many completions each node remembers: ``autocomplete`` with
    ``k <= cache_size`` is O(len(prefix) + k); a larger ``k`` falls back to a bounded heap
    over the subtree.

    Not synchronised: share one instance between threads only behind a lock for writes
    (queries never modify the trie, so concurrent readers alone are safe).
    """

    def __init__(self, words: Iterable[tuple[str, float]] = (), *, cache_size: int = 10) -> None:
        self._cache_size = require_int(cache_size, "cache_size", minimum=1)
        self._root = _Node()
        self._size = 0
        for word, frequency in words:
            self.insert(word, frequency)

    @property
    def cache_size(self) -> int:
        return self._cache_size

    def __len__(self) -> int:
        return self._size

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.search(word)

    def __repr__(self) -> str:
        return f"Trie({self._size} words, cache_size={self._cache_size})"

    # -- queries ---------------------------------------------------------------------------

    def _find(self, key: str) -> _Node | None:
        node: _Node | None = self._root
        for ch in key:
            node = node.children.get(ch)
            if node is None:
                return None
        return node

    def search(self, word: str) -> bool:
        """Whether ``word`` was inserted (and not deleted since)."""
        node = self._find(_key(word, "word"))
        return node is not None and node.entry is not None

    def starts_with(self, prefix: str) -> bool:
        """Whether some stored word starts with ``prefix``."""
        node = self._find(_key(prefix, "prefix"))
        return node is not None and bool(node.top)

    def frequency(self, word: str) -> float:
        """The stored frequency of ``word``; ``KeyError`` if it is not stored."""
        node = self._find(_key(word, "word"))
        if node is None or node.entry is None:
            raise KeyError(word)
        return abs(node.entry[0])

    def autocomplete(self, prefix: str, k: int = 10) -> list[str]:
        """Up to ``k`` stored words starting with ``prefix``:
        most frequent first, ties alphabetically."""
        key = _key(prefix, "prefix")
        require_int(k, "k", minimum=1)
        node = self._find(key)
        if node is None:
            return []
        if k <= self._cache_size:
            return [record[2] for record in node.top[:k]]
        return [record[2] for record in heapq.nsmallest(k, self._records(node))]

    def items(self) -> Iterator[tuple[str, float]]:
        """Every ``(word, frequency)``, in key order."""
        for record in sorted(self._records(self._root), key=lambda r: r[1]):
            yield record[2], abs(record[0])

    @staticmethod
    def _records(start: _Node) -> Iterator[Record]:
        stack = [start]
        while stack:
            node = stack.pop()
            if node.entry is not None:
                yield node.entry
            stack.extend(node.children.values())

    # -- updates ---------------------------------------------------------------------------

    def _path(self, key: str, *, create: bool) -> list[_Node] | None:
        """The nodes from the root to ``key``'s node (created if asked), or None."""
        node = self._root
        path = [node]
        for ch in key:
            child = node.children.get(ch)
            if child is None:
                if not create:
                    return None
                child = node.children[ch] = _Node()
            path.append(child)
            node = child
        return path

    def insert(self, word: str, frequency: float = 1) -> None:
        """Store ``word``; if it is already stored
        (after folding), replace its frequency and spelling."""
        key = _key(word, "word")
        require_number(frequency, "frequency", minimum=0)
        if not key:
            raise ValueError("word must be a non-empty string")
        if key == word:
            key = word  # share one string object when the word is already folded
        path = self._path(key, create=True)
        assert path is not None
        old, record = path[-1].entry, (-frequency, key, word)
        path[-1].entry = record
        if old is None:
            self._size += 1
        if old is None or record[0] <= old[0]:
            self._promote(path, record, cached=old is not None)
        else:
            self._rebuild(path, key)

    def delete(self, word: str) -> bool:
        """Remove ``word``; True if it was stored. Branches left without words are pruned."""
        key = _key(word, "word")
        path = self._path(key, create=False) if key else None
        if path is None or path[-1].entry is None:
            return False
        path[-1].entry = None
        self._size -= 1
        self._prune(path, key)
        self._rebuild(path, key)
        return True

    def _promote(self, path: list[_Node], record: Record, *, cached: bool) -> None:
        """Offer a record that can only have climbed to each node's list, deepest first.

        ``cached`` says whether an older record of the same key may be in the lists (an update).
        """
        key, cap = record[1], self._cache_size
        below: _Node | None = None
        for node in reversed(path):
            if below is not None and node.entry is None and len(node.children) == 1:
                node.top = below.top  # a node on a single-word-path shares its child's list
            else:
                top = node.top
                at = _position(top, key) if cached else -1
                if at >= 0:
                    top = top[:at] + top[at + 1 :]
                elif len(top) >= cap and record >= top[-1]:
                    return  # not good enough here, so not for any ancestor either
                i = bisect(top, record)
                node.top = (*top[:i], record, *top[i : cap - 1])
            below = node

    def _rebuild(self, path: list[_Node], key: str) -> None:
        """Recompute the lists that held ``key`` from children's lists, deepest first."""
        for node in reversed(path):
            if _position(node.top, key) < 0:
                return  # ancestors cannot hold it either
            node.top = self._best(node)

    def _best(self, node: _Node) -> tuple[Record, ...]:
        """A node's list computed from its own word and its children's lists."""
        if node.entry is None and len(node.children) == 1:
            return next(iter(node.children.values())).top
        own = () if node.entry is None else (node.entry,)
        return tuple(
            heapq.nsmallest(self._cache_size, chain(own, *(c.top for c in node.children.values())))
        )

    @staticmethod
    def _prune(path: list[_Node], key: str) -> None:
        """Unlink the trailing nodes that now hold no word and have no children."""
        for depth in range(len(path) - 1, 0, -1):
            node = path[depth]
            if node.entry is not None or node.children:
                return
            del path[depth - 1].children[key[depth - 1]]
