"""Model-based test: random sequences of API calls agree with a plain dict model.

The model is ``{key: {language: (title, status)}}`` plus a set of deleted keys; after every
step the public read of every key in every language must be what the fallback rules predict.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tarento_lib.content import create_app, resolution_order
from tarento_lib.content.languages import LanguageCode
from tests.content.conftest import client_for

KEYS = st.sampled_from(["a.one", "b.two", "c.three"])
LANGS = st.sampled_from(["en", "hi", "mai", "bn", "as", "ta"])
STATUS = st.sampled_from(["draft", "published"])
TITLES = st.text(alphabet="अआकखगabc%_ ", min_size=1, max_size=8).filter(str.strip)


class ContentMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.app = create_app("sqlite+aiosqlite://")
        self.client = client_for(self.app)  # as the admin, who may publish what it writes
        self.live: dict[str, dict[str, tuple[str, str]]] = {}
        self.deleted: set[str] = set()

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, **kwargs))

    @rule(key=KEYS, lang=LANGS, title=TITLES, status=STATUS)
    def create(self, key: str, lang: str, title: str, status: str) -> None:
        body = {
            "content_key": key,
            "translations": [{"language": lang, "title": title, "body": "b", "status": status}],
        }
        response = self.call("POST", "/contents", json=body)
        if key in self.live or key in self.deleted:
            assert response.status_code == 409
        else:
            assert response.status_code == 201
            self.live[key] = {lang: (title.strip(), status)}

    @precondition(lambda self: self.live)
    @rule(data=st.data(), lang=LANGS, title=TITLES, status=st.none() | STATUS)
    def put(self, data: st.DataObject, lang: str, title: str, status: str | None) -> None:
        key = data.draw(st.sampled_from(sorted(self.live)))
        body = {"title": title, "body": "b"} | ({"status": status} if status else {})
        response = self.call("PUT", f"/contents/{key}/translations/{lang}", json=body)
        existed = lang in self.live[key]
        assert response.status_code == (200 if existed else 201)
        kept = self.live[key][lang][1] if existed else "draft"
        self.live[key][lang] = (title.strip(), status or kept)

    @precondition(lambda self: self.live)
    @rule(data=st.data(), lang=LANGS, publish=st.booleans())
    def move(self, data: st.DataObject, lang: str, publish: bool) -> None:
        key = data.draw(st.sampled_from(sorted(self.live)))
        response = self.call(
            "POST", f"/contents/{key}/translations/{lang}/{'publish' if publish else 'unpublish'}"
        )
        if lang not in self.live[key]:
            assert response.status_code == 404
        else:
            assert response.status_code == 200
            self.live[key][lang] = (self.live[key][lang][0], "published" if publish else "draft")

    @rule(key=KEYS)
    def delete(self, key: str) -> None:
        response = self.call("DELETE", f"/contents/{key}")
        assert response.status_code == (204 if key in self.live else 404)
        if key in self.live:
            del self.live[key]
            self.deleted.add(key)

    @invariant()
    def reads_follow_the_fallback_rules(self) -> None:
        for key in ("a.one", "b.two", "c.three"):
            for lang in ("mai", "as"):
                response = self.call("GET", f"/contents/{key}", params={"lang": lang})
                texts = self.live.get(key, {})
                order = resolution_order(LanguageCode(lang), None)
                expected = next(
                    (c for c in order if texts.get(c, ("", ""))[1] == "published"), None
                )
                if expected is None:
                    assert response.status_code == 404
                else:
                    assert (response.json()["language"], response.json()["title"]) == (
                        expected,
                        texts[expected][0],
                    )
        assert self.call("GET", "/contents").json()["total"] == len(self.live)

    def teardown(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.app.state.database.dispose())
        self.loop.close()


ContentMachine.TestCase.settings = settings(max_examples=6, stateful_step_count=8, deadline=None)
test_content_api_matches_model = ContentMachine.TestCase
