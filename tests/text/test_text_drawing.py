"""The small-trie picture."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from tarento_lib.text import Trie
from tarento_lib.text.drawing import draw_trie


def test_draws_every_node_and_edge() -> None:
    trie = Trie([("to", 5), ("tea", 3), ("ten", 4), ("in", 6), ("inn", 1)], cache_size=2)
    ax = draw_trie(trie)
    letters = sorted(t.get_text() for t in ax.texts if len(t.get_text()) == 1)
    assert letters == sorted("toeanin" + "n")  # one label per edge: t,o,e,a,n,i,n,n
    assert len(ax.collections) == 9  # nine nodes, the root included
    plt.close(ax.figure)


def test_refuses_big_tries_and_other_objects() -> None:
    with pytest.raises(ValueError, match="draws at most"):
        draw_trie(Trie((f"w{i}", 1) for i in range(100)))
    with pytest.raises(TypeError, match="trie must be a Trie"):
        draw_trie({"a": 1})


def test_each_cached_list_shows_its_frequencies_best_first() -> None:
    trie = Trie([("to", 5), ("tea", 3), ("ten", 4), ("in", 6), ("inn", 1.5)], cache_size=2)
    ax = draw_trie(trie)
    labels = {t.get_text() for t in ax.texts if len(t.get_text()) > 1}
    assert labels == {
        "in 6 · to 5",  # the root
        "to 5 · ten 4",  # "t"
        "ten 4 · tea 3",  # "te"
        "to 5",
        "tea 3",
        "ten 4",
        "in 6 · inn 1.5",  # "i" and "in"
        "inn 1.5",
    }
    bare = draw_trie(trie, show_top=False)
    assert all(len(t.get_text()) == 1 for t in bare.texts)  # edge letters only
    plt.close("all")
