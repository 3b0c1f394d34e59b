"""Pure helpers and schemas: LIKE escaping, summaries, snippets, validation, Pydantic 2 style."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tarento_lib.content.languages import LanguageCode, resolution_order
from tarento_lib.content.schemas import ContentCreate, TranslationUpdate
from tarento_lib.content.service import escape_like, localize, snippet, summarize

PACKAGE = Path(__file__).resolve().parents[2] / "tarento_lib" / "content"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [("%", "\\%"), ("_", "\\_"), ("\\", "\\\\"), ("a%b_c\\", "a\\%b\\_c\\\\"), ("नमस्ते", "नमस्ते")],
)
def test_escape_like(raw: str, escaped: str) -> None:
    assert escape_like(raw) == escaped


def test_short_text_is_not_given_an_ellipsis() -> None:
    """The ``body[:200] + "..."`` slip: a short body must come back unchanged."""
    assert summarize("Short body.") == "Short body."


def test_summary_cuts_on_grapheme_clusters_and_words() -> None:
    text = "क्षत्रिय " * 60
    cut = summarize(text, 50)
    assert cut.endswith("…") and text.startswith(cut[:-1])
    clusters = regex.findall(r"\X", cut[:-1])
    assert len(clusters) <= 50 and not cut[:-1].endswith("्")


@given(st.text(max_size=400), st.integers(min_value=1, max_value=200))
def test_summary_is_a_prefix_within_the_limit(text: str, limit: int) -> None:
    cut = summarize(text, limit)
    if cut == text:
        assert len(regex.findall(r"\X", text)) <= limit
    else:
        assert (
            cut.endswith("…")
            and text.startswith(cut[:-1])
            and len(regex.findall(r"\X", cut[:-1])) <= limit
        )


def _summary_one_cluster_at_a_time(text: str, limit: int) -> str:
    """The straightforward version: walk the clusters one by one
    (the reference for the fast one)."""
    clusters: list[str] = []
    for match in regex.finditer(r"\X", text):
        if len(clusters) == limit:
            cut = "".join(clusters)
            space = cut.rfind(" ")
            return (cut[:space] if space > len(cut) // 2 else cut).rstrip() + "…"
        clusters.append(match.group())
    return text


@given(
    st.text(alphabet=st.sampled_from("a ्िक़\u200d\u200cक्ष\r\n👍🏽🇮🇳"), max_size=120)
    | st.text(max_size=300),
    st.integers(min_value=1, max_value=60),
)
def test_summary_matches_the_cluster_by_cluster_reference(text: str, limit: int) -> None:
    assert summarize(text, limit) == _summary_one_cluster_at_a_time(text, limit)


def test_summary_limit_is_validated() -> None:
    with pytest.raises(ValueError, match="limit"):
        summarize("x", 0)


def test_snippet_centres_on_the_match() -> None:
    text = " ".join(f"word{i}" for i in range(100)) + " target " + "tail " * 30
    found = snippet(text, "TARGET", width=40)
    assert found.startswith("…") and "target" in found


def test_text_is_nfc_normalised() -> None:
    decomposed = "\u0928\u093c"  # न + nukta, which NFC composes to ऩ
    data = TranslationUpdate(title=decomposed, body="b")
    assert data.title == unicodedata.normalize("NFC", decomposed) == "\u0929"


@pytest.mark.parametrize("field", ["title", "body"])
@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "   "])
def test_bad_text_is_rejected(field: str, bad: str) -> None:
    values = {"title": "t", "body": "b", field: bad}
    with pytest.raises(ValidationError):
        TranslationUpdate(**values)


def test_update_schema_forbids_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        TranslationUpdate(title="t", body="b", reviewed_by="mallory")


def test_duplicate_languages_rejected_by_schema() -> None:
    """Q6-8 (schema half)."""
    with pytest.raises(ValidationError, match="repeated: en"):
        ContentCreate(
            content_key="k", translations=[{"language": "en", "title": "a", "body": "b"}] * 2
        )


def test_localize_picks_first_published_in_order() -> None:
    rows = [
        SimpleNamespace(language="en", status="published"),
        SimpleNamespace(language="hi", status="draft"),
    ]
    content = SimpleNamespace(translations=rows)
    found = localize(content, order=resolution_order(LanguageCode.MAITHILI, None))
    assert found is not None and found[0].language == "en" and found[1] == ["mai", "hi", "en"]
    assert localize(SimpleNamespace(translations=rows[1:]), order=("hi", "en")) is None


@given(
    st.dictionaries(st.sampled_from(list(LanguageCode)), st.booleans()),
    st.sampled_from(list(LanguageCode)),
)
def test_localize_matches_a_simple_model(
    published: dict[LanguageCode, bool], wanted: LanguageCode
) -> None:
    rows = [
        SimpleNamespace(language=str(c), status="published" if p else "draft")
        for c, p in published.items()
    ]
    order = resolution_order(wanted, None)
    expected = next((c for c in order if published.get(c)), None)
    found = localize(SimpleNamespace(translations=rows), order=order)
    assert (found[0].language if found else None) == expected


def test_pydantic_v2_api_only() -> None:
    """Q6-11: no v1-style validators, class Config or .dict(),
    and no deprecation warning at import."""
    source = "\n".join(p.read_text() for p in PACKAGE.glob("*.py"))
    for v1 in (r"@validator\b", r"class Config\s*:", r"\.dict\(", r"parse_obj"):
        assert not regex.search(v1, source), v1
    code = "import tarento_lib.content, tarento_lib.content.conformance"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
