"""API writes with an ``Idempotency-Key``: a retry gets the first answer, never a second record."""

from __future__ import annotations

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
