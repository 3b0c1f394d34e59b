"""One test per Q3 and Q4 pitfall of the typical answer: tarento_lib does the right thing."""

from __future__ import annotations

import gc
import inspect
import subprocess
import sys
import tracemalloc
import typing

import pytest

from tarento_lib.answers import q04_similarity as answer
from tarento_lib.text import (
    Trie,
    combined,
    compare,
    cosine,
    jaccard,
    levenshtein,
    levenshtein_similarity,
    ngram_similarity,
    normalize,
    similarity,
)
from tarento_lib.text import (
    trie as trie_module,
)
from tarento_lib.text import (
    unicode as unicode_module,
)

PUBLIC_METRICS = [levenshtein_similarity, jaccard, ngram_similarity, cosine, combined]


def test_q3_1_len_counts_distinct_words() -> None:
    trie = Trie()
    for word in ["apple", "apple", "Apple"]:
        trie.insert(word)
    assert len(trie) == 1


def test_q3_2_delete_reports_removal_of_prefix_sharing_words() -> None:
    trie = Trie([("app", 1), ("apple", 1), ("apply", 1)])
    assert trie.delete("app") is True and not trie.search("app")
    assert trie.delete("apple") is True
    assert len(trie) == 1 and trie.autocomplete("") == ["apply"]


def test_q3_3_long_completions_are_suggested() -> None:
    sixty = "a" * 60
    api = "bhashini." + "x" * 48  # 57 characters
    trie = Trie([(sixty, 1), (api, 1)])
    assert trie.autocomplete("a") == [sixty]
    assert trie.autocomplete("b") == [api] == trie.autocomplete("bhashini.")


def test_q3_4_any_inserted_word_can_be_deleted() -> None:
    word = "x" * (sys.getrecursionlimit() * 5)
    trie = Trie([(word, 1)])
    assert trie.delete(word) and len(trie) == 0


def test_q3_5_top_k_does_not_walk_the_subtree(monkeypatch: pytest.MonkeyPatch) -> None:
    trie = Trie((f"s{i:05d}", i % 97) for i in range(5_000))

    def no_walk(*_: object) -> typing.NoReturn:
        raise AssertionError("autocomplete walked the subtree")

    monkeypatch.setattr(Trie, "_records", staticmethod(no_walk))
    expected = sorted((f"s{i:05d}" for i in range(5_000)), key=lambda w: (-(int(w[1:]) % 97), w))[
        :5
    ]
    assert trie.autocomplete("s", 5) == expected
    # every node remembers at most cache_size completions
    stack = [trie._root]
    while stack:
        node = stack.pop()
        assert len(node.top) <= trie.cache_size
        stack.extend(node.children.values())


def test_q4_1_modules_load_and_their_annotations_resolve() -> None:
    for module in (similarity, unicode_module, trie_module):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                typing.get_type_hints(obj)  # raises NameError on a missing import
    demo = "from tarento_lib.text import combined; print(round(combined('नमस्ते', 'नमस्कार'), 2))"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", demo], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() and not done.stderr


def test_q4_2_zwj_and_zwnj_are_kept_only_ignorables_go() -> None:
    he, to_him = "അവന്\u200d", "അവന്"
    assert normalize(he) != normalize(to_him)
    assert combined(he, to_him) < 1.0
    assert combined("क्\u200cष", "क्ष") < 1.0
    assert normalize("\ufeff\u200eab\u00ad\u200f") == "ab"


def test_q4_3_indic_text_is_compared_per_grapheme() -> None:
    assert levenshtein_similarity("कि", "पि") == 0.0
    assert levenshtein("क्षमा", "कमा") == 1
    assert jaccard("नमस्ते", "धन्यवाद") == 0.0


def test_q4_4_ngram_score_is_one_only_for_equal_short_texts() -> None:
    assert ngram_similarity("a", "b") == 0.0
    assert ngram_similarity("क", "") == 0.0
    assert ngram_similarity("", "") == 1.0 and ngram_similarity("क", "क") == 1.0
    assert combined("क", "ख") == 0.0


@pytest.mark.parametrize("metric", PUBLIC_METRICS)
def test_q4_5_every_metric_normalises_and_folds_case_alike(metric) -> None:
    assert metric("\u0958", "\u0915\u093c") == 1.0
    assert metric("Hello", "hello") == 1.0
    assert (
        levenshtein("\u0958", "\u0915\u093c") == answer.levenshtein("\u0958", "\u0915\u093c") == 0
    )
    unfolded = compare("Hello", "hello", fold_case=False)
    assert all(score < 1.0 for score in unfolded.values()), unfolded


def test_q4_6_weights_keep_the_result_in_unit_interval() -> None:
    assert (
        combined("abc", "abc", weights={"levenshtein": 1, "jaccard": 1, "ngram": 1, "cosine": 1})
        == 1.0
    )
    assert combined("abc", "abd", weights={"levenshtein": 1.0}) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="unknown measures"):
        combined("abc", "abc", weights={"levenshtien": 1.0})


def test_q4_7_dp_memory_is_two_rows_and_long_inputs_are_fine() -> None:
    a, b = "ab" * 80, "ba" * 80
    expected = levenshtein(a, b, level="codepoint")
    answer.edit_distance("warm", "up")
    gc.disable()  # a collection in the window could run unrelated finalizers
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        got = answer.edit_distance(a, b)
        grown = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    assert got == expected
    assert grown < 40_000  # a full 161 x 161 table of pointers alone would be ~200 kB
    assert levenshtein("क" * 20_000, "ख" * 20_000) == 20_000  # rapidfuzz: no table at all
