"""Logging in: wrong passwords are counted per user name and address, then that address is locked
out of the account (longer at each new lock); coordinators and ``veille unlock`` lift locks;
everything is audited."""

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
def test_repeated_failures_lock_the_address_even_for_the_right_password(
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


ATTACKER, ALICE_HOME = "203.0.113.66", "198.51.100.10"


def _fail(username: str, times: int, address: str = ATTACKER) -> Any:
    client = Client(REMOTE_ADDR=address)
    response = None
    for _ in range(times):
        response = login(client, username, "wrong")
    return response


@override_settings(VEILLE_LOGIN_MAX_FAILURES=5)
def test_an_outsider_cannot_lock_a_user_out_from_elsewhere(users: dict[str, Any], password: str) -> None:
    """Five wrong passwords from an anonymous client lock that client's address, not alice at hers."""
    assert _fail("alice", 5).status_code == 423
    assert login(Client(REMOTE_ADDR=ATTACKER), "alice", password).status_code == 423
    at_home = Client(REMOTE_ADDR=ALICE_HOME)
    assert login(at_home, "alice", password).status_code == 302
    assert "_auth_user_id" in at_home.session
    # her login forgets her own address's failures, not the attacker's lock
    assert LoginFailure.objects.get(username="alice", address=ATTACKER).locked_until is not None


@override_settings(VEILLE_LOGIN_MAX_FAILURES=2, VEILLE_LOGIN_LOCK_MINUTES=15)
def test_each_new_lock_of_one_address_lasts_twice_as_long(users: dict[str, Any]) -> None:
    import datetime as dt

    from veille.nations.services import MAX_LOCK, lock_duration

    _fail("nora", 2)
    first = LoginFailure.objects.get(username="nora", address=ATTACKER)
    span = first.locked_until - first.last_failure_at
    assert span == dt.timedelta(minutes=15)
    # the lock runs out; the next two failures lock again, for twice as long
    LoginFailure.objects.filter(pk=first.pk).update(locked_until=first.last_failure_at)
    _fail("nora", 2)
    second = LoginFailure.objects.get(pk=first.pk)
    assert (second.locks, second.locked_until - second.last_failure_at) == (2, dt.timedelta(minutes=30))
    assert lock_duration(40) == MAX_LOCK


@override_settings(VEILLE_LOGIN_MAX_FAILURES=2)
def test_a_coordinator_unlocks_a_user_from_the_page_and_it_is_audited(
    users: dict[str, Any], client_as: Any, password: str
) -> None:
    _fail("nora", 2)
    page = client_as("alice").get("/nations/locks/")
    assert page.status_code == 200 and b'data-testid="lock-nora"' in page.content
    assert client_as("pawel").post("/nations/locks/", {"username": "nora"}).status_code == 403
    assert login(Client(REMOTE_ADDR=ATTACKER), "nora", password).status_code == 423
    response = client_as("alice").post("/nations/locks/", {"username": "nora"})
    assert response.status_code == 302
    assert not LoginFailure.objects.filter(username="nora").exists()
    event = AuditEvent.objects.get(action="login.unlock")
    assert (event.actor, event.before, event.after) == (
        "alice",
        {"locked_for": [ATTACKER]},
        {"locked_for": []},
    )
    assert login(Client(REMOTE_ADDR=ATTACKER), "nora", password).status_code == 302


@override_settings(VEILLE_LOGIN_MAX_FAILURES=2)
def test_veille_unlock_user_lifts_the_locks_and_is_audited(users: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    _fail("olga", 2)
    out = StringIO()
    call_command("unlock", "olga", stdout=out)
    assert "1 locked address" in out.getvalue()
    assert not LoginFailure.objects.filter(username="olga").exists()
    assert AuditEvent.objects.get(action="login.unlock").actor == "system:unlock"
    with pytest.raises(CommandError, match="no user called"):
        call_command("unlock", "nobody")
