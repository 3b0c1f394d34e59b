"""Behaviour of the top-k Trie: words, frequencies, folding, deletes, long words, bad input."""

from __future__ import annotations

import pytest

from tarento_lib.text import CollectAllTrie, SortedWordList, Trie


@pytest.fixture
def fruit() -> Trie:
    return Trie([("apple", 5), ("app", 3), ("apply", 4), ("apricot", 2), ("banana", 9)])


def test_search_and_starts_with(fruit: Trie) -> None:
    assert fruit.search("apple") and fruit.search("app")
    assert not fruit.search("ap") and not fruit.search("apples")
    assert fruit.starts_with("apr") and fruit.starts_with("")
    assert not fruit.starts_with("c")
    assert "banana" in fruit and 3 not in fruit


def test_autocomplete_ranks_by_frequency_then_alphabetically() -> None:
    trie = Trie([("bat", 2), ("bar", 5), ("baz", 2), ("ban", 9), ("bay", 1)])
    assert trie.autocomplete("ba") == ["ban", "bar", "bat", "baz", "bay"]
    assert trie.autocomplete("ba", k=2) == ["ban", "bar"]
    assert trie.autocomplete("bx") == []


def test_len_counts_distinct_words_and_reinsert_replaces_frequency(fruit: Trie) -> None:
    fruit.insert("apple", 1)
    fruit.insert("APPLE", 1)
    assert len(fruit) == 5
    assert fruit.frequency("apple") == 1
    assert fruit.autocomplete("ap") == ["apply", "app", "apricot", "APPLE"]


def test_words_come_back_as_last_inserted() -> None:
    trie = Trie()
    trie.insert("iPhone", 3)
    trie.insert("IPHONE", 3)
    assert trie.autocomplete("ip") == ["IPHONE"]


def test_casefold_and_nfc() -> None:
    trie = Trie([("Straße", 1), ("caf\u00e9", 2)])
    assert trie.search("STRASSE") and trie.search("strasse")
    assert trie.search("cafe\u0301")
    assert trie.autocomplete("CAF") == ["caf\u00e9"]


def test_devanagari_and_other_scripts() -> None:
    trie = Trie([("नमस्ते", 5), ("नमक", 7), ("नया", 3), ("தமிழ்", 4), ("বাংলা", 2)])
    assert trie.autocomplete("न") == ["नमक", "नमस्ते", "नया"]
    assert trie.autocomplete("த") == ["தமிழ்"]
    assert trie.delete("नमक") and trie.autocomplete("नम") == ["नमस्ते"]


def test_delete_returns_whether_the_word_was_present(fruit: Trie) -> None:
    assert fruit.delete("app") is True
    assert not fruit.search("app") and fruit.search("apple")
    assert fruit.delete("app") is False
    assert fruit.delete("ap") is False
    assert fruit.delete("") is False
    assert len(fruit) == 4


def test_delete_prunes_empty_branches() -> None:
    trie = Trie([("car", 1), ("cart", 2), ("dog", 1)])
    trie.delete("cart")
    assert not trie.starts_with("cart") and trie.search("car")
    trie.delete("car")
    assert not trie.starts_with("c")
    assert list(trie._root.children) == ["d"]


def test_cached_lists_refill_after_delete_and_lower_frequency() -> None:
    words = [(f"w{i:02d}", 100 - i) for i in range(30)]
    trie = Trie(words, cache_size=5)
    for word, _ in words[:4]:
        trie.delete(word)
    trie.insert("w04", 0)
    assert trie.autocomplete("w", 5) == ["w05", "w06", "w07", "w08", "w09"]
    trie.insert("w29", 1000)
    assert trie.autocomplete("w", 2) == ["w29", "w05"]


def test_k_larger_than_cache_uses_the_whole_subtree() -> None:
    words = [(f"x{i:02d}", i) for i in range(20)]
    trie = Trie(words, cache_size=3)
    assert trie.autocomplete("x", 20) == [f"x{i:02d}" for i in reversed(range(20))]
    assert trie.autocomplete("x", 3) == ["x19", "x18", "x17"]


def test_items_lists_every_word_in_key_order(fruit: Trie) -> None:
    assert [w for w, _ in fruit.items()] == ["app", "apple", "apply", "apricot", "banana"]


@pytest.mark.parametrize("length", [60, 1_000, 10_000])
def test_long_words_insert_search_suggest_delete(length: int) -> None:
    word = "a" * length
    trie = Trie([(word, 2), ("ab", 1)])
    assert trie.search(word)
    assert trie.autocomplete("a") == [word, "ab"]
    assert trie.delete(word) and not trie.search(word)
    assert len(trie) == 1 and trie.autocomplete("aa") == []


def test_baselines_agree_with_trie() -> None:
    words = [("the", 9), ("then", 5), ("there", 5), ("this", 7), ("That", 7), ("a", 1)]
    trie, naive, sorted_list = Trie(words), CollectAllTrie(words), SortedWordList(words)
    assert len(naive) == len(sorted_list) == len(trie) == 6
    for prefix in ["", "t", "th", "the", "x"]:
        assert (
            trie.autocomplete(prefix, 3)
            == naive.autocomplete(prefix, 3)
            == sorted_list.autocomplete(prefix, 3)
        )


@pytest.mark.parametrize("make", [Trie, CollectAllTrie])
def test_bad_input(make: type) -> None:
    trie = make([("a", 1)])
    with pytest.raises(TypeError, match="word"):
        trie.insert(42)
    with pytest.raises(TypeError, match="prefix"):
        trie.autocomplete(None)
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        trie.autocomplete("a", 0)
    with pytest.raises(TypeError, match="k must be an int"):
        trie.autocomplete("a", 2.5)
    with pytest.raises(ValueError, match="frequency"):
        trie.insert("b", -1)
    with pytest.raises(ValueError, match="frequency"):
        trie.insert("b", float("nan"))
    with pytest.raises(TypeError, match="frequency"):
        trie.insert("b", True)
    with pytest.raises(ValueError, match="non-empty"):
        trie.insert("")


def test_trie_specific_bad_input() -> None:
    with pytest.raises(ValueError, match="cache_size"):
        Trie(cache_size=0)
    trie = Trie()
    with pytest.raises(TypeError, match="word"):
        trie.search(b"bytes")
    with pytest.raises(TypeError, match="word"):
        trie.delete(None)
    with pytest.raises(KeyError):
        trie.frequency("missing")
    assert repr(trie) == "Trie(0 words, cache_size=10)"


def test_concurrent_readers_agree_with_a_single_reader() -> None:
    from concurrent.futures import ThreadPoolExecutor

    trie = Trie(
        (f"{a}{b}{c}", (ord(a) * 7 + ord(b) * 3 + ord(c)) % 50)
        for a in "abc"
        for b in "abcdef"
        for c in "xyz"
    )
    prefixes = ["", "a", "ab", "bc", "cf", "cfz"] * 50
    expected = [trie.autocomplete(p, 5) for p in prefixes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda p: trie.autocomplete(p, 5), prefixes)) == expected
