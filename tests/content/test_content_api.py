"""The HTTP contract of the content API, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
import regex

from tests.content.conftest import WELCOME, translation

pytestmark = pytest.mark.asyncio


async def seed(client: httpx.AsyncClient, body: dict = WELCOME) -> httpx.Response:
    response = await client.post("/contents", json=body)
    assert response.status_code == 201, response.text
    return response


# --- create --------------------------------------------------------------------------


async def test_create_returns_201_with_translations_keyed_by_language(
    client: httpx.AsyncClient,
) -> None:
    """Q6-1, Q6-4, Q6-5: POST works, keywords are stored, and the body has the documented shape."""
    body = {**WELCOME, "translations": [translation("en", "Hi", "Text", keywords=["a", "b"])]}
    response = await client.post("/contents", json=body)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {
        "id",
        "content_key",
        "category",
        "created_at",
        "updated_at",
        "created_by",
        "translations",
    }
    assert data["translations"]["en"]["keywords"] == ["a", "b"]
    assert response.headers["location"] == "/contents/homepage.welcome"


async def test_duplicate_key_is_409_with_json_detail(client: httpx.AsyncClient) -> None:
    await seed(client)
    response = await client.post("/contents", json=WELCOME)
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"content_key": "x"},
        {"content_key": "x", "translations": []},
        {"content_key": "Bad Key!", "translations": [translation("en", "t", "b")]},
        {"content_key": "search", "translations": [translation("en", "t", "b")]},
        {"content_key": "x", "translations": [translation("xx", "t", "b")]},
        {
            "content_key": "x",
            "translations": [translation("en", "t", "b"), translation("en", "t2", "b2")],
        },
        {"content_key": "x", "translations": [translation("en", "   ", "b")]},
        {"content_key": "x", "translations": [translation("en", "t", "b", status="archived")]},
        {"content_key": "x", "id": 7, "translations": [translation("en", "t", "b")]},
    ],
)
async def test_invalid_bodies_are_422_with_json(client: httpx.AsyncClient, body: dict) -> None:
    response = await client.post("/contents", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


async def test_duplicate_languages_rejected_with_their_code(client: httpx.AsyncClient) -> None:
    """Q6-8 (schema half) and Q6-12: the message names the code ``en``, not an enum repr."""
    body = {
        "content_key": "x",
        "translations": [translation("en", "a", "b"), translation("en", "c", "d")],
    }
    response = await client.post("/contents", json=body)
    assert response.status_code == 422
    assert "repeated: en" in response.text and "LanguageCode" not in response.text


# --- localized reads ------------------------------------------------------------------


async def test_get_in_requested_language(client: httpx.AsyncClient) -> None:
    await seed(client)
    data = (await client.get("/contents/homepage.welcome", params={"lang": "hi"})).json()
    assert (data["language"], data["fallback_used"], data["title"]) == ("hi", False, "स्वागत है")


async def test_fallback_chain_reports_served_language(client: httpx.AsyncClient) -> None:
    """Q6-6: with no Maithili text, mai → hi is served and reported."""
    await seed(client)
    response = await client.get("/contents/homepage.welcome", params={"lang": "mai"})
    data = response.json()
    assert (data["language"], data["requested_language"], data["fallback_used"]) == (
        "hi",
        "mai",
        True,
    )
    assert data["tried"] == ["mai", "hi"]
    assert response.headers["content-language"] == "hi"


async def test_english_fallback_fires_when_only_english_is_published(
    client: httpx.AsyncClient,
) -> None:
    """Q6-6 as the pitfall row states it: only 'en' published, ask for 'hi' → 200 English."""
    await seed(
        client, {"content_key": "about", "translations": [translation("en", "About", "Who we are")]}
    )
    data = (await client.get("/contents/about", params={"lang": "hi"})).json()
    assert (data["language"], data["fallback_used"]) == ("en", True)


async def test_accept_language_used_when_no_lang(client: httpx.AsyncClient) -> None:
    await seed(client)
    response = await client.get(
        "/contents/homepage.welcome", headers={"Accept-Language": "fr, hi-IN;q=0.9"}
    )
    assert response.json()["language"] == "hi"
    assert response.headers["vary"] == "Accept-Language"


async def test_explicit_lang_beats_accept_language(client: httpx.AsyncClient) -> None:
    await seed(client)
    response = await client.get(
        "/contents/homepage.welcome", params={"lang": "en"}, headers={"Accept-Language": "hi"}
    )
    assert response.json()["language"] == "en"


async def test_drafts_are_never_served(client: httpx.AsyncClient) -> None:
    await seed(client)
    data = (await client.get("/contents/homepage.welcome", params={"lang": "ta"})).json()
    assert (data["language"], data["fallback_used"]) == ("en", True)


async def test_nothing_published_is_404(client: httpx.AsyncClient) -> None:
    await seed(
        client,
        {"content_key": "wip", "translations": [translation("hi", "t", "b", status="draft")]},
    )
    response = await client.get("/contents/wip", params={"lang": "hi"})
    assert response.status_code == 404
    assert "hi, en" in response.json()["detail"]


async def test_publish_workflow(client: httpx.AsyncClient) -> None:
    await seed(client)
    assert (await client.post("/contents/homepage.welcome/translations/ta/publish")).json()[
        "status"
    ] == "published"
    assert (await client.get("/contents/homepage.welcome", params={"lang": "ta"})).json()[
        "language"
    ] == "ta"
    assert (await client.post("/contents/homepage.welcome/translations/ta/unpublish")).json()[
        "status"
    ] == "draft"
    assert (await client.get("/contents/homepage.welcome", params={"lang": "ta"})).json()[
        "language"
    ] == "en"
    assert (
        await client.post("/contents/homepage.welcome/translations/ml/publish")
    ).status_code == 404


async def test_editor_view_includes_drafts(client: httpx.AsyncClient) -> None:
    await seed(client)
    data = (await client.get("/contents/homepage.welcome/translations")).json()
    assert {lang: t["status"] for lang, t in data["translations"].items()} == {
        "en": "published",
        "hi": "published",
        "ta": "draft",
    }


# --- the public body is exactly the documented model ----------------------------------


async def test_public_body_is_what_the_response_model_would_write(
    client: httpx.AsyncClient,
) -> None:
    """The route builds the body without Pydantic;
    LocalizedContent would write the very same bytes."""
    from tarento_lib.content.schemas import LocalizedContent

    body = {
        **WELCOME,
        "translations": [
            translation(
                "en",
                'Welcome "home"',
                "Line\nbreak, tab\t and \\ slash " * 20,
                keywords=["a", "ब"],
                meta_description="Meta ✓",
            ),
            translation("hi", "स्वागत", "पाठ " * 100, status="draft"),
        ],
    }
    await seed(client, body)
    for params, headers in (
        ({"lang": "en"}, {}),
        ({"lang": "mai"}, {"Accept-Language": "ta, en;q=0.5"}),
    ):
        response = await client.get("/contents/homepage.welcome", params=params, headers=headers)
        assert response.status_code == 200
        model = LocalizedContent.model_validate_json(response.content)
        assert model.model_dump_json().encode() == response.content
    assert (
        model.tried == ["mai", "ta", "en"] and model.fallback_used and model.keywords == ["a", "ब"]
    )


async def test_bad_key_or_lang_is_the_same_422_as_declared_parameters(
    client: httpx.AsyncClient,
) -> None:
    bad_key = await client.get("/contents/Not_A_Key")
    assert bad_key.status_code == 422
    assert [(e["type"], e["loc"]) for e in bad_key.json()["detail"]] == [
        ("string_pattern_mismatch", ["path", "content_key"])
    ]
    both = await client.get("/contents/-x", params={"lang": "xx"})
    assert [(e["type"], e["loc"]) for e in both.json()["detail"]] == [
        ("string_pattern_mismatch", ["path", "content_key"]),
        ("enum", ["query", "lang"]),
    ]


# --- ETag ---------------------------------------------------------------------------


async def test_etag_and_304(client: httpx.AsyncClient) -> None:
    await seed(client)
    first = await client.get("/contents/homepage.welcome", params={"lang": "hi"})
    etag = first.headers["etag"]
    again = await client.get(
        "/contents/homepage.welcome", params={"lang": "hi"}, headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = await client.get(
        "/contents/homepage.welcome",
        params={"lang": "hi"},
        headers={"If-None-Match": f'"x", W/{etag}'},
    )
    assert weak.status_code == 304
    other = await client.get(
        "/contents/homepage.welcome", params={"lang": "en"}, headers={"If-None-Match": etag}
    )
    assert other.status_code == 200


async def test_etag_changes_when_the_text_changes(client: httpx.AsyncClient) -> None:
    await seed(client)
    etag = (await client.get("/contents/homepage.welcome", params={"lang": "hi"})).headers["etag"]
    update = {"title": "नया शीर्षक", "body": "नया पाठ"}
    assert (
        await client.put("/contents/homepage.welcome/translations/hi", json=update)
    ).status_code == 200
    fresh = await client.get(
        "/contents/homepage.welcome", params={"lang": "hi"}, headers={"If-None-Match": etag}
    )
    assert fresh.status_code == 200 and fresh.json()["title"] == "नया शीर्षक"


# --- upsert and mass assignment -----------------------------------------------------


async def test_put_creates_then_replaces(client: httpx.AsyncClient) -> None:
    await seed(client)
    created = await client.put(
        "/contents/homepage.welcome/translations/mr", json={"title": "स्वागत", "body": "एक"}
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    replaced = await client.put(
        "/contents/homepage.welcome/translations/mr",
        json={"title": "स्वागत", "body": "दोन", "status": "published"},
    )
    assert replaced.status_code == 200
    assert (replaced.json()["body"], replaced.json()["revision"], replaced.json()["status"]) == (
        "दोन",
        2,
        "published",
    )
    kept = await client.put(
        "/contents/homepage.welcome/translations/mr", json={"title": "स्वागत", "body": "तीन"}
    )
    assert kept.json()["status"] == "published"


async def test_writes_touch_the_content_timestamp(client: httpx.AsyncClient) -> None:
    created = (await seed(client)).json()
    assert created["updated_at"] == created["created_at"]
    await client.put("/contents/homepage.welcome/translations/hi", json={"title": "t", "body": "b"})
    edited = (await client.get("/contents/homepage.welcome/translations")).json()
    assert (
        edited["updated_at"] > created["updated_at"]
        and edited["created_at"] == created["created_at"]
    )
    await client.post("/contents/homepage.welcome/translations/ta/publish")
    published = (await client.get("/contents/homepage.welcome/translations")).json()
    assert published["updated_at"] > edited["updated_at"]


@pytest.mark.parametrize(
    "extra",
    [
        {"content_id": 99},
        {"id": 1},
        {"created_at": None},
        {"reviewed_by": "mallory"},
        {"content": "x"},
        {"revision": 100},
        {"language": "en"},
    ],
)
async def test_put_rejects_non_editable_fields(client: httpx.AsyncClient, extra: dict) -> None:
    """Q6-7: no mass assignment: ids, timestamps, relationships and reviewers are 422."""
    await seed(client)
    response = await client.put(
        "/contents/homepage.welcome/translations/hi", json={"title": "t", "body": "b", **extra}
    )
    assert response.status_code == 422
    after = (await client.get("/contents/homepage.welcome/translations")).json()["translations"][
        "hi"
    ]
    assert after["revision"] == 1 and after["title"] == "स्वागत है"


async def test_put_on_unknown_content_is_404(client: httpx.AsyncClient) -> None:
    response = await client.put("/contents/nope/translations/hi", json={"title": "t", "body": "b"})
    assert response.status_code == 404 and response.json()["detail"]


# --- list, search, delete -------------------------------------------------------------


async def test_list_paginates_and_filters(client: httpx.AsyncClient) -> None:
    for index in range(5):
        category = "news" if index % 2 else "help"
        await seed(
            client,
            {
                "content_key": f"item.{index}",
                "category": category,
                "translations": [translation("en", f"T{index}", "B")],
            },
        )
    page = (await client.get("/contents", params={"limit": 2, "offset": 1})).json()
    assert [i["content_key"] for i in page["items"]] == ["item.1", "item.2"] and page["total"] == 5
    news = (await client.get("/contents", params={"category": "news"})).json()
    assert [i["content_key"] for i in news["items"]] == ["item.1", "item.3"] and news["total"] == 2
    assert news["items"][0]["published_languages"] == ["en"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 10**30}, {"category": "Not Valid"}],
)
async def test_list_bad_parameters_are_422(client: httpx.AsyncClient, params: dict) -> None:
    assert (await client.get("/contents", params=params)).status_code == 422


async def test_search_route_is_reachable_and_finds_hindi(client: httpx.AsyncClient) -> None:
    """Q6-3: /contents/search is not captured by /contents/{content_key}."""
    await seed(client)
    data = (await client.get("/contents/search", params={"q": "स्वागत", "lang": "hi"})).json()
    assert [hit["content_key"] for hit in data["hits"]] == ["homepage.welcome"]


async def test_search_filters_by_category_and_language(client: httpx.AsyncClient) -> None:
    await seed(client)
    assert (
        await client.get(
            "/contents/search", params={"q": "स्वागत", "lang": "hi", "category": "news"}
        )
    ).json()["hits"] == []
    assert (await client.get("/contents/search", params={"q": "स्वागत", "lang": "en"})).json()[
        "hits"
    ] == []
    assert (await client.get("/contents/search", params={"q": "வரவேற்", "lang": "ta"})).json()[
        "hits"
    ] == []  # draft


@pytest.mark.parametrize(
    ("q", "hits"), [("%%", 0), ("__", 0), ("\\", 0), ("100%", 1), ("s_o", 1), ("WELCOME", 1)]
)
async def test_search_treats_wildcards_literally(
    client: httpx.AsyncClient, q: str, hits: int
) -> None:
    """Q6-9: % and _ match themselves; matching ignores ASCII case."""
    await seed(client)
    await seed(
        client, {"content_key": "about", "translations": [translation("en", "About", "Who we are")]}
    )
    data = (await client.get("/contents/search", params={"q": q, "lang": "en"})).json()
    assert len(data["hits"]) == hits


async def test_soft_delete_hides_everywhere_and_keeps_key(client: httpx.AsyncClient) -> None:
    await seed(client)
    assert (await client.delete("/contents/homepage.welcome")).status_code == 204
    assert (await client.get("/contents/homepage.welcome")).status_code == 404
    assert (await client.get("/contents")).json()["total"] == 0
    assert (await client.get("/contents/search", params={"q": "Welcome", "lang": "en"})).json()[
        "hits"
    ] == []
    assert (await client.delete("/contents/homepage.welcome")).status_code == 404
    assert (await client.post("/contents", json=WELCOME)).status_code == 409


# --- every client mistake: a JSON 4xx, never a 500 -------------------------------------

HOSTILE = [
    "' OR 1=1 --",
    '"; DROP TABLE contents; --',
    "क" * 3500,
    "नमस्ते" * 1700,
    "%' UNION SELECT 1 --",
    "\\%\\_",
    "😀" * 50,
    "\u202e\u200d\u200c",
    "a\x00b",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_text_never_500(client: httpx.AsyncClient, text: str) -> None:
    await seed(client)
    responses = [
        await client.get("/contents/search", params={"q": text[:2000], "lang": "hi"}),
        await client.get(
            "/contents/homepage.welcome",
            headers={"Accept-Language": text.replace("\x00", "").encode("utf-8", "replace")},
        ),
        await client.post(
            "/contents",
            json={"content_key": "hostile", "translations": [translation("hi", text[:500], text)]},
        ),
        await client.put(
            "/contents/homepage.welcome/translations/hi", json={"title": text[:500], "body": text}
        ),
        await client.get(f"/contents/{quote(text[:100])}"),
    ]
    for response in responses:
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.json()["detail"]


async def test_ten_kb_of_devanagari_round_trips(client: httpx.AsyncClient) -> None:
    body = "भारत एक विशाल देश है। " * 200
    assert len(body.encode()) > 10_000
    await seed(client, {"content_key": "long", "translations": [translation("hi", "लंबा", body)]})
    data = (await client.get("/contents/long", params={"lang": "hi"})).json()
    assert data["body"] == body.strip() or data["body"] == body
    assert data["summary"].endswith("…") and len(regex.findall(r"\X", data["summary"])) <= 161


async def test_lone_surrogate_in_raw_json_is_422(client: httpx.AsyncClient) -> None:
    raw = (
        b'{"content_key": "s", "translations": [{"language": "en", "title": "\\ud800", "body": '
        b'"b"}]}'
    )
    response = await client.post(
        "/contents", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "code"),
    [
        (
            "POST",
            "/contents",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            422,
        ),
        (
            "POST",
            "/contents",
            {"content": b"plain", "headers": {"content-type": "text/plain"}},
            422,
        ),
        ("GET", "/nowhere", {}, 404),
        ("PATCH", "/contents", {}, 405),
        ("GET", "/contents/homepage.welcome?lang=xx", {}, 422),
        ("GET", "/contents/search?lang=hi", {}, 422),
        ("GET", "/contents/search?lang=hi&q=%20%20", {}, 422),
        ("POST", "/contents/1/translate?source_language=en", {}, 404),  # Q6-2: absent, not a crash
    ],
)
async def test_client_mistakes_get_json_errors(
    client: httpx.AsyncClient, method: str, path: str, kwargs: dict, code: int
) -> None:
    response = await client.request(method, path, **kwargs)
    assert response.status_code == code
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"]
