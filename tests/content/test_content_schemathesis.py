"""Property-based tests generated from the app's own OpenAPI schema (schemathesis).

Whatever schemathesis sends, the app answers without a 5xx, and every response matches the
documented status codes, content types and response schemas. (``schemathesis.pytest.from_fixture``
reads a private pytest attribute that pytest 9 removed, so the operations are driven directly
through ``APIOperation.as_strategy()``.)

Each run sends one development identity's token (or none), so the 401s and 403s the routes
document are exercised too: without a token every write is a 401, a reader's is a 403, an editor
cannot publish, a reviewer cannot delete.

``positive_data_acceptance`` is left out on purpose: the app is stricter than JSON Schema can say
(one translation per language), so some schema-valid bodies are a 422. The text rule (no control
characters, something visible) is in the schema itself, as a ``pattern``.
"""

from __future__ import annotations

import asyncio

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.python.asgi import shutdown_lifespans

from tests.content.conftest import BACKENDS, bearer, close_app, make_app

EXAMPLES = 15


ROLES = [None, "reader", "editor", "reviewer", "admin"]


def check_operation(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    run()


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES, ids=[str(role) for role in ROLES])
@pytest.mark.parametrize("backend", BACKENDS)
def test_no_server_errors_and_responses_match_the_schema(
    backend: str, role: str | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    app = make_app(backend, tmp_path_factory)
    headers = bearer(app, role) if role else {}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 9
        for operation in operations:
            check_operation(operation, headers)
    finally:
        # the app's lifespan shutdown (engine disposed) on schemathesis' own loop
        shutdown_lifespans()
        asyncio.run(close_app(app))
