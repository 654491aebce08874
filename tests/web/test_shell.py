"""The web shell: home page, navigation, error pages, headers, health, rate limit, tokens, audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from veille.audit.models import AuditEvent
from veille.nations.models import ApiToken

pytestmark = pytest.mark.django_db

MECHANISMS = ["PURL", "Support to Ukraine", "Spending", "Industry", "Training &amp; Council", "Arctic"]


def test_home_says_what_veille_is_and_counts_what_is_loaded(client_as: Any) -> None:
    html = client_as(None).get("/").content.decode()
    assert "veille runs and watches the mechanisms" in html
    assert re.search(r'<span class="value">32</span> <span class="label">Allies</span>', html)
    for label in MECHANISMS:
        assert label in html, label


@pytest.mark.parametrize("who", ["alice", "nora", "pawel", "olga", "eve"])
def test_each_user_sees_who_they_are(client_as: Any, who: str) -> None:
    html = client_as(who).get("/").content.decode()
    assert f'data-testid="who">{who}' in html
    assert ("Audit" in html) is (who == "alice")


def test_an_unknown_route_gets_a_real_404_page(client_as: Any) -> None:
    response = client_as(None).get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at /no/such/page." in response.content.decode()
    assert "<nav" in response.content.decode()


def test_security_headers_and_a_strict_csp(client_as: Any) -> None:
    response = client_as(None).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client_as: Any) -> None:
    for path in ("/", "/login/", "/nations/", "/audit/"):
        html = client_as("alice").get(path).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)


def test_healthz_checks_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@override_settings(VEILLE_RATE_LIMIT_PER_MINUTE=3)
def test_writes_are_rate_limited_per_address(users: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="10.9.8.7")
    statuses = [client.post("/login/", {"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429
    assert client.get("/").status_code == 200  # reads are not limited
    api = client.post("/api/v1/nations/", {})  # the API says so in its error body
    assert api.status_code == 429 and api["Retry-After"] == "60"
    assert api.json()["error"] | {"message": ""} == {
        "code": "rate_limited",
        "type": "RateLimited",
        "message": "",
        "field": None,
        "where": "/api/v1/nations/",
    }
    cache.clear()


def test_a_user_creates_a_token_sees_it_once_and_can_revoke_it(client_as: Any) -> None:
    client = client_as("nora")
    response = client.post("/account/tokens/", {"name": "notebook"})
    token = re.search(r'data-testid="new-token">(vl_[\w-]+)<', response.content.decode()).group(1)
    assert ApiToken.objects.get(user__username="nora").key_sha256 not in response.content.decode()
    assert token not in client.get("/account/tokens/").content.decode()
    api = Client()
    assert api.get("/api/v1/nations/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["nation"] == "NOR"
    token_id = ApiToken.objects.get(user__username="nora").pk
    client.post("/account/tokens/", {"revoke": token_id})
    assert api.get("/api/v1/nations/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert list(AuditEvent.objects.filter(actor="nora").values_list("action", flat=True).order_by("id")) == [
        "token.create",
        "token.revoke",
    ]


def test_a_token_name_is_required(client_as: Any) -> None:
    response = client_as("nora").post("/account/tokens/", {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_users_token(client_as: Any, actor_of: Any) -> None:
    from veille.nations.services import do_create_token

    token, _ = do_create_token(actor_of("nora"), "mine")
    response = client_as("pawel").post("/account/tokens/", {"revoke": token.pk})
    assert response.status_code == 422
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_audit_page_filters_by_action_and_date(client_as: Any, actor_of: Any) -> None:
    from veille.nations.services import do_create_token

    do_create_token(actor_of("nora"), "one")
    client = client_as("alice")
    html = client.get("/audit/?action=token.").content.decode()
    assert "token.create" in html and "membership.set" not in html
    assert client.get("/audit/?since=yesterday").status_code == 400
    csv = client.get("/audit/export.csv?action=token.").content.decode()
    lines = [line for line in csv.splitlines() if not line.startswith("#")]
    assert lines[0].startswith("at,actor,address")
    assert len(lines) == 2


def test_the_nations_page_answers_status_on_a_date(client_as: Any) -> None:
    html = client_as(None).get("/nations/?on=2024-03-06&kind=ally").content.decode()
    assert "31 nations" in html and "SWE" not in html
    html = client_as(None).get("/nations/?on=2024-03-07&kind=ally").content.decode()
    assert "32 nations" in html
    assert client_as(None).get("/nations/?on=7/3/2024").status_code == 400
    data = client_as(None).get("/nations/export.json?on=2024-03-06").json()
    assert {r["code"]: r["status"] for r in data["rows"]}["SWE"] == "partner"
