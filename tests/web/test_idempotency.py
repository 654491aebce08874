"""API writes with an ``Idempotency-Key``: a retry gets the first answer, never a second record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from veille.nations.services import do_create_token
from veille.purl.models import Contribution

pytestmark = pytest.mark.django_db

JSON = "application/json"
BODY = {
    "nation": "NOR",
    "amount": "1000000",
    "currency": "NOK",
    "value_date": "2026-01-05",
    "source": "letter of the ministry",
}


@pytest.fixture
def nora_api(actor_of: Any) -> Client:
    token = do_create_token(actor_of("nora"), "retries")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client: Client, key: str | None, body: dict[str, Any] = BODY) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/purl/contributions", body, content_type=JSON, **headers)


def test_a_retry_with_the_same_key_returns_the_first_answer_and_records_once(nora_api: Client) -> None:
    first = _post(nora_api, "commit-2026-01-05-a")
    assert first.status_code == 201, first.content
    again = _post(nora_api, "commit-2026-01-05-a")
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert Contribution.objects.count() == 1


def test_without_a_key_a_retry_is_a_new_request(nora_api: Client) -> None:
    assert _post(nora_api, None).status_code == 201
    second = _post(nora_api, None)
    # the same commitment twice is a possible duplicate: the API asks to confirm it, never silently
    assert second.status_code != 201 or Contribution.objects.count() == 2


def test_a_new_key_is_a_new_request(nora_api: Client) -> None:
    assert _post(nora_api, "k1").status_code == 201
    assert _post(nora_api, "k2", {**BODY, "amount": "2000000"}).status_code == 201
    assert Contribution.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_naming_the_header(nora_api: Client) -> None:
    assert _post(nora_api, "k1").status_code == 201
    other = _post(nora_api, "k1", {**BODY, "amount": "5"})
    assert other.status_code == 422
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert Contribution.objects.count() == 1


def test_keys_belong_to_their_user(nora_api: Client, client_as: Any) -> None:
    assert _post(nora_api, "shared").status_code == 201
    alice = client_as("alice")
    response = _post(alice, "shared", {**BODY, "amount": "3000000"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Contribution.objects.count() == 2


def test_a_refusal_is_kept_too_and_a_bad_key_is_refused(nora_api: Client) -> None:
    refused = _post(nora_api, "k-bad", {**BODY, "currency": "XXX"})
    assert refused.status_code == 422
    assert _post(nora_api, "k-bad", {**BODY, "currency": "XXX"}).content == refused.content
    bad = _post(nora_api, "with space")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "Idempotency-Key"
    assert not Contribution.objects.exists()


@pytest.fixture
def ledger_emptied_after(live_server: Any) -> Iterator[None]:
    """A live server's test runs in real transactions, emptied after it; on SQLite Django empties
    tables with DELETE, which the ledger's append-only trigger refuses: lifted for the flush only (as
    the browser tests do)."""
    yield
    import importlib

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("veille.ledger.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS ledger_event_no_delete")
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(triggers.SQLITE_UP[1])


@pytest.mark.django_db(transaction=True)
def test_over_http_a_retried_commitment_is_recorded_once(
    live_server: Any, ledger_emptied_after: None, actor_of: Any
) -> None:
    """The real server, over a socket: the client sends its commitment, 'loses' the answer and sends
    it again with the same key; one commitment is recorded, and both answers are the same."""
    import json
    import urllib.request

    token = do_create_token(actor_of("nora"), "live")[1]

    def send() -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 (the test's own server)
            f"{live_server.url}/api/v1/purl/contributions",
            data=json.dumps(BODY).encode(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": JSON,
                "Idempotency-Key": "live-retry-1",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (the test's own server)
            return answer.status, answer.read()

    first, again = send(), send()
    assert first[0] == 201 and again == first
    assert Contribution.objects.count() == 1
