"""Fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): whatever a client sends, the
API answers with a success or with the one error body, never with a server error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from veille.nations.services import do_create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def connections_kept_open() -> Iterator[None]:
    """Like Django's test client: a request must not close the test's database connection (on
    PostgreSQL that would end the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


#: Examples per operation of the full fuzz (``-m slow``); the quick run of every suite takes 4.
SLOW_EXAMPLES = int(os.environ.get("VEILLE_FUZZ_EXAMPLES", "200"))


def test_the_api_never_fails_with_a_server_error(
    users: Any, actor_of: Any, connections_kept_open: None
) -> None:
    fuzz_the_api(actor_of, examples=4)


@pytest.mark.slow
def test_the_api_never_fails_with_a_server_error_at_200_examples_per_operation(
    users: Any, actor_of: Any, connections_kept_open: None
) -> None:
    """The issue's bar: 200 examples per operation, on each database (``VEILLE_TEST_DB``)."""
    fuzz_the_api(actor_of, examples=SLOW_EXAMPLES)


def fuzz_the_api(actor_of: Any, examples: int) -> None:
    token = do_create_token(actor_of("alice"), "fuzz")[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    failures: list[str] = []
    operations = 0
    checked: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query or ''}: {response.status_code}"
                )
            checked.append(response.status_code)
            content_type = response.headers.get("Content-Type") or ""
            if isinstance(content_type, list):
                content_type = content_type[0] if content_type else ""
            if 400 <= response.status_code < 500 and "json" in content_type:
                body = response.json()
                if not set(body.get("error", {})) >= {"code", "message", "field", "where"}:
                    failures.append(f"{case.method} {case.formatted_path}: error body {body}")

        run()
    assert operations >= 5 and len(checked) >= operations
    assert any(400 <= status < 500 for status in checked), "the fuzzer never sent a wrong request"
    assert not failures, "\n".join(sorted(set(failures))[:30])
