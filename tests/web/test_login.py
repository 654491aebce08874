"""Logging in: wrong passwords are counted, then the account is locked; everything is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from veille.audit.models import AuditEvent
from veille.nations.models import LoginFailure

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def test_a_demo_user_logs_in_and_lands_on_the_home_page(users: dict[str, Any], password: str) -> None:
    client = Client()
    response = login(client, "nora", password)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert b"nora" in page.content and b"NOR" in page.content
    assert AuditEvent.objects.filter(action="login.success", actor="nora").exists()


def test_a_wrong_password_says_so_and_is_counted(users: dict[str, Any]) -> None:
    response = login(Client(), "nora", "not-the-password")
    assert response.status_code == 401
    assert "Wrong user name or password." in response.content.decode()
    assert LoginFailure.objects.get(username="nora").failures == 1


@override_settings(VEILLE_LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(
    users: dict[str, Any], password: str
) -> None:
    client = Client()
    for _ in range(2):
        assert login(client, "pawel", "wrong").status_code == 401
    third = login(client, "pawel", "wrong")
    assert third.status_code == 423
    assert "locked" in third.content.decode()
    right = login(client, "pawel", password)
    assert right.status_code == 423
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.locked").count() == 1


def test_a_successful_login_clears_the_count(users: dict[str, Any], password: str) -> None:
    login(Client(), "olga", "wrong")
    login(Client(), "olga", password)
    assert not LoginFailure.objects.filter(username="olga").exists()


def test_next_must_stay_on_this_site(users: dict[str, Any], password: str) -> None:
    client = Client()
    response = client.post(
        "/login/?next=https://evil.example/",
        {"username": "nora", "password": password, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"
    client.logout()
    response = client.post("/login/", {"username": "nora", "password": password, "next": "/nations/"})
    assert response["Location"] == "/nations/"


def test_an_empty_form_is_a_bad_request_naming_the_fields(users: dict[str, Any]) -> None:
    response = Client().post("/login/", {})
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2


def test_a_login_without_csrf_token_is_refused_and_changes_nothing(
    users: dict[str, Any], password: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = login(client, "nora", password)
    assert response.status_code == 403
    assert "security token (CSRF)" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client_as: Any) -> None:
    client = client_as("nora")
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
