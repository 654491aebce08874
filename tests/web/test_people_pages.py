"""People and rights from the pages: a coordinator invites, the invited person creates an account,
memberships change, accounts are deactivated; each user sees their own account."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from veille.audit.models import AuditEvent
from veille.nations import services
from veille.nations.models import Invitation, Membership

pytestmark = pytest.mark.django_db
PASSWORD = "amber-fjord-lantern-42"


def invite_from_page(client: Client, **data: str) -> str:
    response = client.post(
        "/people/invitations/new/", {"email": "ingrid@example.org", "nation": "NOR", "role": "editor", **data}
    )
    assert response.status_code == 200, response.content.decode()
    m = re.search(
        r'data-testid="invitation-link">(http://testserver/invitation/[^<]+/)<', response.content.decode()
    )
    assert m, "the coordinator sees the link"
    return m.group(1).removeprefix("http://testserver")


def test_an_invitation_from_the_page_gives_an_account_with_its_membership(
    client_as: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        path = invite_from_page(client_as("alice"))
    assert path in mail.outbox[0].body
    people = client_as("alice").get("/people/").content.decode()
    assert "ingrid@example.org" in people

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "ingrid@example.org" in page.content.decode()
    differ = visitor.post(path, {"username": "ingrid", "password": PASSWORD, "password2": PASSWORD + "x"})
    assert differ.status_code == 422 and 'data-testid="error-password2"' in differ.content.decode()
    done = visitor.post(path, {"username": "ingrid", "password": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login/"
    assert visitor.post("/login/", {"username": "ingrid", "password": PASSWORD}).status_code == 302
    account = visitor.get("/account/").content.decode()
    assert "Norway · Editor" in account

    again = Client().get(path)
    assert again.status_code == 410 and "already used" in again.content.decode()
    posted_again = Client().post(path, {"username": "other", "password": PASSWORD, "password2": PASSWORD})
    assert posted_again.status_code == 410
    assert not get_user_model().objects.filter(username="other").exists()


def test_an_expired_link_says_so(client_as: Callable[[str | None], Client]) -> None:
    path = invite_from_page(client_as("alice"))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = Client().get(path)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_weak_password_is_named_beside_the_field_and_nothing_is_written(
    client_as: Callable[[str | None], Client],
) -> None:
    path = invite_from_page(client_as("alice"))
    users = get_user_model().objects.count()
    response = Client().post(
        path, {"username": "ingrid", "password": "short-pw-1", "password2": "short-pw-1"}
    )
    assert response.status_code == 422
    assert re.search(r'data-testid="error-password">[^<]*at least 12', response.content.decode())
    assert get_user_model().objects.count() == users


def test_a_nation_that_does_not_exist_is_refused_beside_the_field(
    client_as: Callable[[str | None], Client],
) -> None:
    before = (Invitation.objects.count(), AuditEvent.objects.count())
    response = client_as("alice").post(
        "/people/invitations/new/", {"email": "x@example.org", "nation": "XYZ", "role": "viewer"}
    )
    assert response.status_code == 422
    assert re.search(
        r"data-testid=\"error-nation\">no nation has code &#x27;XYZ&#x27;", response.content.decode()
    )
    changed = client_as("alice").post("/people/pawel/", {"nation": "XYZ", "role": "viewer"})
    assert changed.status_code == 422
    assert (Invitation.objects.count(), AuditEvent.objects.count()) == before
    assert Membership.objects.get(user__username="pawel").nation_id == "POL"


def test_a_coordinator_changes_a_membership_and_sees_it_in_the_persons_history(
    client_as: Callable[[str | None], Client],
) -> None:
    alice = client_as("alice")
    assert alice.post("/people/pawel/", {"nation": "", "role": "editor"}).status_code == 302
    page = alice.get("/people/pawel/").content.decode()
    assert re.search(r'data-testid="membership">NATO staff · Editor', page)
    assert "membership.set" in page


def test_a_granter_above_their_rank_is_refused_with_the_reason(
    client_as: Callable[[str | None], Client],
) -> None:
    response = client_as("alice").post("/people/alice/", {"nation": "", "role": "admin"})
    assert response.status_code == 403 and "for themselves" in response.content.decode()
    response = client_as("alice").post("/people/pawel/", {"nation": "", "role": "admin"})
    assert response.status_code == 403 and "may not grant the role admin" in response.content.decode()


def test_a_deactivated_account_is_logged_out_and_its_tokens_stop(
    client_as: Callable[[str | None], Client], actor_of: Callable[[str], Any]
) -> None:
    pawel = client_as("pawel")
    _token, clear = services.do_create_token(actor_of("pawel"), "notebook")
    assert pawel.get("/account/").status_code == 200
    assert client_as("alice").post("/people/pawel/", {"active": "0"}).status_code == 302
    assert pawel.get("/account/").status_code == 302
    assert Client().get("/api/v1/nations/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 401
    assert AuditEvent.objects.filter(
        action="user.deactivate", object_id=str(get_user_model().objects.get(username="pawel").pk)
    ).exists()


def test_my_account_shows_my_membership_and_tokens(
    client_as: Callable[[str | None], Client], actor_of: Callable[[str], Any]
) -> None:
    services.do_create_token(actor_of("nora"), "notebook")
    page = client_as("nora").get("/account/").content.decode()
    assert re.search(r'data-testid="membership">Norway · Editor', page)
    assert "notebook" in page
    assert "notebook" not in client_as("pawel").get("/account/").content.decode()
    assert "no membership" in client_as("eve").get("/account/").content.decode()


def test_a_coordinator_sends_an_expired_invitation_again_and_cancels_another_from_the_page(
    client_as: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    alice = client_as("alice")
    old_path = invite_from_page(alice)
    invite_from_page(alice, email="jonas@example.org")
    expired = Invitation.objects.get(email="ingrid@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = alice.get("/people/").content.decode()
    assert 'data-testid="invitations-expired"' in page and "ingrid@example.org" in page

    with django_capture_on_commit_callbacks(execute=True):
        resent = alice.post(f"/people/invitations/{expired.pk}/resend/")
    assert resent.status_code == 200
    m = re.search(
        r'data-testid="invitation-link">(http://testserver/invitation/[^<]+/)<', resent.content.decode()
    )
    assert m, "the coordinator sees the new link"
    new_path = m.group(1).removeprefix("http://testserver")
    assert new_path != old_path and new_path in mail.outbox[-1].body
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200

    other = Invitation.objects.get(email="jonas@example.org")
    cancelled = alice.post(f"/people/invitations/{other.pk}/cancel/")
    assert cancelled.status_code == 302 and cancelled["Location"] == "/people/"
    after = alice.get("/people/").content.decode()
    assert "jonas@example.org was cancelled" in after
    assert f'data-testid="invitation-{other.pk}"' not in after
    assert f'data-testid="invitation-{expired.pk}"' in after
    again = alice.post(f"/people/invitations/{other.pk}/cancel/")
    assert again.status_code == 410 and "was cancelled on" in again.content.decode()
    assert client_as("nora").post(f"/people/invitations/{expired.pk}/cancel/").status_code == 403
    assert Invitation.objects.get(pk=expired.pk).cancelled_at is None
