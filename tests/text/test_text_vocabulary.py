"""Real vocabularies from wordfreq, offline."""

from __future__ import annotations

import pytest

from tarento_lib.text import Trie, graphemes, load_vocabulary


def test_english_top_words_in_frequency_order() -> None:
    words = load_vocabulary("en", 200)
    assert len(words) == 200 and words[0][0] == "the"
    frequencies = [f for _, f in words]
    assert frequencies == sorted(frequencies, reverse=True) and 0 < frequencies[-1] < 1


def test_hindi_words_are_devanagari() -> None:
    words = load_vocabulary("hi", 100)
    assert len(words) == 100
    assert all("\u0900" <= ch <= "\u097f" for ch in words[0][0])
    trie = Trie(words)
    assert trie.autocomplete(words[0][0][0], 1) == [words[0][0]]
    assert sum(len(graphemes(w)) < len(w) for w, _ in words) > 10  # many words have vowel signs


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        load_vocabulary("en", 0)
    with pytest.raises(TypeError, match="n must be an int"):
        load_vocabulary("en", True)
    with pytest.raises(TypeError, match="lang must be a str"):
        load_vocabulary(None, 5)
    with pytest.raises(ValueError, match="lang must be a language wordfreq ships"):
        load_vocabulary("xx", 5)
