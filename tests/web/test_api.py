"""The API: tokens, one error body, pagination, OpenAPI served locally."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from veille.nations.services import do_create_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(actor_of: Any) -> str:
    return do_create_token(actor_of("pawel"), "tests")[1]


def test_an_api_call_without_a_token_gets_401_with_the_error_body(users: Any) -> None:
    response = Client().get("/api/v1/nations/")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated"
    assert "Authorization: Bearer" in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_named_as_such(users: Any) -> None:
    response = Client().get("/api/v1/nations/", HTTP_AUTHORIZATION="Bearer vl_nope")
    assert response.status_code == 401
    assert "unknown, revoked or malformed" in response.json()["error"]["message"]


def test_nations_are_paginated_and_filtered(token: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = client.get("/api/v1/nations/?limit=10&offset=0").json()
    assert page["count"] == 47 and len(page["items"]) == 10
    allies = client.get("/api/v1/nations/?kind=ally&on=2024-03-06&limit=100").json()
    assert allies["count"] == 31


def test_a_wrong_query_value_names_the_field(token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/nations/?on=yesterday")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "on"


def test_an_unknown_nation_is_a_404_in_the_error_body(token: str) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/nations/XYZ")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "type": "NotFound",
        "message": "no nation has code 'XYZ'",
        "field": "code",
        "where": None,
    }


def test_the_audit_trail_is_for_coordinators(token: str, actor_of: Any) -> None:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/audit/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    alice_token = do_create_token(actor_of("alice"), "t")[1]
    page = Client(HTTP_AUTHORIZATION=f"Bearer {alice_token}").get("/api/v1/audit/?action=token.").json()
    assert page["count"] == 2


def test_openapi_schema_lists_every_router_and_docs_load_nothing_from_outside(users: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/nations/", "/api/v1/audit/"} <= set(schema["paths"])
    docs = Client().get("/api/v1/docs").content.decode()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs


def test_session_writes_need_csrf_but_reads_do_not(client_as: Any) -> None:
    client = client_as("nora")
    assert client.get("/api/v1/nations/me").json()["role"] == "editor"


def test_an_absurd_page_offset_is_refused_not_a_server_error(token: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/nations/?offset=778969521420495489073152&limit=10")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "offset"
    # the limit is capped, not refused
    assert (
        client.get("/api/v1/nations/?limit=100000").json()["count"] == 47
    )  # the limit is capped, not refused


def test_a_nul_character_in_a_query_is_refused_on_every_database(token: str) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/nations/", {"kind": "ally\x00"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    assert Client().get("/nations/", {"on": "2024\x00"}).status_code == 400


def test_a_nul_character_in_a_json_or_form_body_is_refused_naming_its_field(token: str) -> None:
    """Found by the API fuzzer on PostgreSQL: a JSON ``\\u0000`` reached a text column (a 500)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = '{"ally": "NOR", "year": 2026, "items": [{"note": "a\\u0000b"}]}'
    response = client.post("/api/v1/spending/plans", body, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["field"], error["where"]) == ("items[0].note", "body")
    page = Client().post("/login/", {"username": "alice\x00", "password": "x"})
    assert page.status_code == 400 and "username" in page.content.decode()
    # a body without one goes on to the view, which answers for itself
    assert client.post("/api/v1/spending/plans", "{}", content_type="application/json").status_code == 422
