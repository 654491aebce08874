"""People and rights through the services: invitations, memberships, accounts; who may grant what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation

from veille.audit.models import AuditEvent
from veille.core.errors import InvalidInput, PermissionDenied
from veille.nations import services
from veille.nations.access import Actor
from veille.nations.exceptions import (
    GrantRefused,
    InvitationCancelled,
    InvitationExpired,
    InvitationUsed,
    UnknownInvitation,
    UnknownNation,
)
from veille.nations.models import Invitation, Membership

pytestmark = pytest.mark.django_db
LINK = "https://veille.example.org/invitation/{}/"
PASSWORD = "amber-fjord-lantern-42"


def link_for(key: str) -> str:
    return LINK.format(key)


def key_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def invite(
    actor: Actor, email: str = "ingrid@example.org", nation: str | None = "NOR", role: str = "editor"
) -> str:
    _invitation, link = services.do_invite(actor, email, nation, role, link_for=link_for)
    return key_of(link)


def counts() -> tuple[int, int, int, int]:
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        Invitation.objects.filter(accepted_at__isnull=False).count(),
        AuditEvent.objects.count(),
    )


def test_an_invited_person_gets_the_membership_given_and_every_step_is_audited(
    actor_of: Callable[[str], Actor], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        key = invite(actor_of("alice"))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ingrid@example.org"]
    assert LINK.format(key) in mail.outbox[0].body
    stored = Invitation.objects.get()
    assert key not in (stored.key_sha256, str(stored.pk)), "only the link's hash is stored"
    assert stored.expires_at - stored.created_at == dt.timedelta(hours=72)

    user = services.do_accept_invitation(key, "ingrid", PASSWORD, ip="192.0.2.7")
    assert user.check_password(PASSWORD) and user.email == "ingrid@example.org"
    m = Membership.objects.get(user=user)
    assert (m.nation_id, m.role) == ("NOR", "editor")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor"))
    assert actions[-4:] == [
        ("invitation.create", "alice"),
        ("user.create", "ingrid"),
        ("membership.set", "ingrid"),
        ("invitation.accept", "ingrid"),
    ]
    assert AuditEvent.objects.get(action="membership.set", actor="ingrid").note.endswith("from alice")


def test_nato_staff_is_a_membership_without_nation(actor_of: Callable[[str], Actor]) -> None:
    key = invite(actor_of("alice"), nation=None, role="viewer")
    user = services.do_accept_invitation(key, "nato-viewer", PASSWORD)
    assert Membership.objects.get(user=user).is_nato_staff


def test_an_invitation_link_serves_once(actor_of: Callable[[str], Actor]) -> None:
    key = invite(actor_of("alice"))
    services.do_accept_invitation(key, "ingrid", PASSWORD)
    before = counts()
    with pytest.raises(InvitationUsed, match="already used"):
        services.do_accept_invitation(key, "ingrid2", PASSWORD)
    assert counts() == before


def test_an_expired_invitation_is_refused_and_writes_nothing(actor_of: Callable[[str], Actor]) -> None:
    key = invite(actor_of("alice"))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before = counts()
    with pytest.raises(InvitationExpired, match=r"expired on .* 72 hours"):
        services.do_accept_invitation(key, "ingrid", PASSWORD)
    assert counts() == before


def test_a_cancelled_invitation_s_link_stops_working_and_the_cancel_is_audited(
    actor_of: Callable[[str], Actor],
) -> None:
    key = invite(actor_of("alice"))
    invitation = Invitation.objects.get()
    services.do_cancel_invitation(actor_of("alice"), invitation.pk)
    event = AuditEvent.objects.filter(action="invitation.cancel").get()
    assert event.actor == "alice"
    before = counts()
    with pytest.raises(InvitationCancelled, match="cancelled on"):
        services.do_accept_invitation(key, "ingrid", PASSWORD)
    with pytest.raises(InvitationCancelled):
        services.do_resend_invitation(actor_of("alice"), invitation.pk, link_for=link_for)
    with pytest.raises(InvitationCancelled):
        services.do_cancel_invitation(actor_of("alice"), invitation.pk)
    assert counts() == before


def test_an_expired_invitation_sent_again_has_a_new_link_and_the_old_one_stops(
    actor_of: Callable[[str], Actor], django_capture_on_commit_callbacks: Any
) -> None:
    old = invite(actor_of("alice"))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(hours=1))
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        sent, link = services.do_resend_invitation(actor_of("alice"), invitation.pk, link_for=link_for)
    new = key_of(link)
    assert new != old and sent.pk == invitation.pk
    assert sent.expires_at > timezone.now() + dt.timedelta(hours=71)
    assert [m.to for m in mail.outbox] == [["ingrid@example.org"]] and link in mail.outbox[0].body
    with pytest.raises(UnknownInvitation):
        services.do_accept_invitation(old, "ingrid", PASSWORD)
    user = services.do_accept_invitation(new, "ingrid", PASSWORD)
    assert Membership.objects.get(user=user).nation_id == "NOR"
    assert AuditEvent.objects.filter(action="invitation.resend", actor="alice").count() == 1


def test_an_accepted_invitation_is_neither_cancelled_nor_sent_again(actor_of: Callable[[str], Actor]) -> None:
    key = invite(actor_of("alice"))
    services.do_accept_invitation(key, "ingrid", PASSWORD)
    pk = Invitation.objects.get().pk
    before = counts()
    with pytest.raises(InvitationUsed, match="accepted on"):
        services.do_cancel_invitation(actor_of("alice"), pk)
    with pytest.raises(InvitationUsed):
        services.do_resend_invitation(actor_of("alice"), pk, link_for=link_for)
    assert counts() == before


def test_only_coordinators_cancel_or_resend_invitations(actor_of: Callable[[str], Actor]) -> None:
    invite(actor_of("alice"))
    pk = Invitation.objects.get().pk
    for name in ("nora", "pawel"):
        with pytest.raises(PermissionDenied):
            services.do_cancel_invitation(actor_of(name), pk)
        with pytest.raises(PermissionDenied):
            services.do_resend_invitation(actor_of(name), pk, link_for=link_for)
    assert Invitation.objects.get().cancelled_at is None


def test_an_unknown_link_is_refused(users: Any) -> None:
    with pytest.raises(UnknownInvitation):
        services.do_accept_invitation("not-a-link", "ingrid", PASSWORD)


def test_a_membership_for_a_nation_that_does_not_exist_is_refused(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    before = counts()
    with pytest.raises(UnknownNation, match="'XYZ'"):
        invite(actor_of("alice"), nation="XYZ")
    with pytest.raises(UnknownNation, match="'XYZ'"):
        services.do_set_membership(actor_of("alice"), users["pawel"], "XYZ", "editor")
    assert counts() == before
    assert Membership.objects.get(user=users["pawel"]).nation_id == "POL"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-pw-1", "at least 12"),
        ("123456789012345", "entirely numeric"),
        ("ingrid@example.org", "similar"),
    ],
)
def test_a_weak_password_is_refused_naming_why(
    actor_of: Callable[[str], Actor], password: str, why: str
) -> None:
    key = invite(actor_of("alice"))
    before = counts()
    with translation.override("en"), pytest.raises(InvalidInput, match=why) as caught:
        services.do_accept_invitation(key, "ingrid", password)
    assert caught.value.field == "password"
    assert counts() == before
    services.do_accept_invitation(key, "ingrid", PASSWORD)  # the link still serves


def test_a_user_name_already_taken_is_refused(actor_of: Callable[[str], Actor]) -> None:
    key = invite(actor_of("alice"))
    with pytest.raises(InvalidInput, match="taken") as caught:
        services.do_accept_invitation(key, "Nora", PASSWORD)
    assert caught.value.field == "username"


def test_an_address_that_has_an_account_is_not_invited_again(actor_of: Callable[[str], Actor]) -> None:
    with pytest.raises(InvalidInput, match="nora already has the address"):
        invite(actor_of("alice"), email="NORA@demo.invalid")


@pytest.mark.parametrize("who", ["nora", "pawel", "olga", "eve"])
def test_only_coordinators_grant_anything(
    actor_of: Callable[[str], Actor], users: dict[str, Any], who: str
) -> None:
    actor = actor_of(who)
    before = counts()
    with pytest.raises(PermissionDenied):
        invite(actor, role="viewer")
    with pytest.raises(PermissionDenied):
        services.do_set_membership(actor, users["pawel"], "POL", "viewer")
    with pytest.raises(PermissionDenied):
        services.do_set_active(actor, users["pawel"], False)
    assert counts() == before


def test_nobody_grants_themselves_more(actor_of: Callable[[str], Actor], users: dict[str, Any]) -> None:
    with pytest.raises(GrantRefused, match="for themselves"):
        services.do_set_membership(actor_of("alice"), users["alice"], None, "admin")
    with pytest.raises(PermissionDenied):
        services.do_set_membership(actor_of("nora"), users["nora"], "NOR", "coordinator")
    with pytest.raises(GrantRefused, match="for themselves"):
        services.do_set_active(actor_of("alice"), users["alice"], False)
    assert Membership.objects.get(user=users["alice"]).role == "coordinator"


def test_a_coordinator_grants_up_to_their_own_rank(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    alice = actor_of("alice")
    with pytest.raises(GrantRefused, match="may not grant the role admin"):
        services.do_set_membership(alice, users["pawel"], None, "admin")
    with pytest.raises(GrantRefused, match="may not grant the role admin"):
        invite(alice, role="admin")
    services.do_set_membership(alice, users["pawel"], None, "coordinator")
    assert Membership.objects.get(user=users["pawel"]).role == "coordinator"


def test_a_coordinator_does_not_change_an_administrator(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    services.do_set_membership(Actor.system_process("tests"), users["sam"], None, "admin")
    with pytest.raises(GrantRefused, match="sam is admin, above alice"):
        services.do_set_membership(actor_of("alice"), users["sam"], "USA", "viewer")
    with pytest.raises(GrantRefused, match="sam is admin"):
        services.do_set_active(actor_of("alice"), users["sam"], False)


def test_a_membership_change_is_audited_with_before_and_after(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    services.do_set_membership(actor_of("alice"), users["pawel"], "NOR", "editor")
    event = AuditEvent.objects.filter(action="membership.set").latest("pk")
    assert event.actor == "alice"
    assert (event.before["nation"], event.before["role"]) == ("POL", "viewer")
    assert (event.after["nation"], event.after["role"]) == ("NOR", "editor")


def test_a_deactivated_account_loses_its_tokens_and_can_be_reactivated(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    _token, clear = services.do_create_token(actor_of("pawel"), "notebook")
    assert services.authenticate_token(clear) == users["pawel"]
    services.do_set_active(actor_of("alice"), users["pawel"], False)
    assert services.authenticate_token(clear) is None
    assert AuditEvent.objects.filter(action="user.deactivate", actor="alice").count() == 1
    services.do_set_active(actor_of("alice"), users["pawel"], True)
    assert services.authenticate_token(clear) == users["pawel"]


def test_an_invitation_whose_sender_was_demoted_no_longer_grants(
    actor_of: Callable[[str], Actor], users: dict[str, Any]
) -> None:
    services.do_set_membership(Actor.system_process("tests"), users["pawel"], None, "coordinator")
    key = invite(actor_of("pawel"), role="coordinator")
    services.do_set_membership(actor_of("alice"), users["pawel"], "POL", "viewer")
    before = counts()
    with pytest.raises(GrantRefused, match="no longer grant"):
        services.do_accept_invitation(key, "ingrid", PASSWORD)
    assert counts() == before
