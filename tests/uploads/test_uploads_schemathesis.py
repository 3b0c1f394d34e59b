"""Fuzzing the JSON API and the tus endpoints from the app's own OpenAPI schema (schemathesis):
whatever arrives, the answer is never a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tarento_lib.uploads import LocalStorage, SQLiteSessionStore, UploadService
from tarento_lib.uploads.api import create_app


@pytest.mark.slow
def test_no_request_makes_the_upload_api_fail_with_5xx(tmp_path: Path) -> None:
    service = UploadService(
        LocalStorage(tmp_path / "store"), SQLiteSessionStore(), chunk_size=1024, max_size=1 << 20
    )
    service.initiate("seeded.bin", 3000)  # so some ids in the store exist
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(service))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        run()
