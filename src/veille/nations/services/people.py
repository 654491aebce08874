"""People and rights: memberships and roles, invitations by e-mail, accounts turned off and on.

Who may grant what (the authorization matrix checks it from the pages):

* only coordinators and administrators grant (a national editor or viewer grants nothing);
* a granter gives roles up to their own rank (viewer < editor < coordinator < administrator): a
  coordinator never makes an administrator;
* nobody changes their own membership, role or account (nobody grants themselves more), nor those
  of someone ranked above them.

An invitation is a one-time link sent by e-mail (and shown to the coordinator, for sites without
mail): only its SHA-256 is stored; it expires after :data:`INVITATION_VALID` and serves once. The
person who follows it chooses a user name and a password (at least :data:`MIN_PASSWORD_LENGTH`
characters, and the site's password validators) and gets the membership the invitation gives, if
the coordinator who sent it may still grant it. A coordinator may cancel an invitation that was not
accepted, or send it again with a new link (expired or not). Every change is audited; a refused one writes
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import MinimumLengthValidator, validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput
from veille.nations.access import Actor, membership_of, require_coordinator
from veille.nations.exceptions import (
    GrantRefused,
    InvitationCancelled,
    InvitationExpired,
    InvitationUsed,
    UnknownInvitation,
    UnknownNation,
    WeakPassword,
)
from veille.nations.models import Invitation, Membership, Nation, Role

__all__ = [
    "INVITATION_VALID",
    "MIN_PASSWORD_LENGTH",
    "check_accept_invitation",
    "check_grant",
    "check_invitation",
    "check_invitation_link",
    "check_membership",
    "check_new_password",
    "check_set_active",
    "do_accept_invitation",
    "do_cancel_invitation",
    "do_invite",
    "do_resend_invitation",
    "do_set_active",
    "do_set_membership",
    "rank_of",
]

log = logging.getLogger(__name__)

#: How long an invitation's link may be used.
INVITATION_VALID = dt.timedelta(hours=72)
#: The shortest password a person may choose (the site's validators apply too).
MIN_PASSWORD_LENGTH = 12

_RANKS = {Role.VIEWER: 1, Role.EDITOR: 2, Role.COORDINATOR: 3, Role.ADMIN: 4}


def rank_of(role: str | None) -> int:
    """A role's rank: viewer 1, editor 2, coordinator 3, administrator 4; none 0.

    >>> rank_of("coordinator") > rank_of("editor"), rank_of(None)
    (True, 0)
    """
    return _RANKS.get(Role(role), 0) if role in Role.values else 0


def _rank_of_actor(actor: Actor) -> int:
    return rank_of(Role.ADMIN) if actor.system else rank_of(actor.role)


def check_membership(nation_code: str | None, role: str) -> Nation | None:
    """The nation of a membership (None for NATO staff); a role that exists."""
    if role not in Role.values:
        raise InvalidInput(f"must be one of {', '.join(Role.values)}", field="role")
    if nation_code is None:
        return None
    nation = Nation.objects.filter(code=nation_code.strip().upper()).first()
    if nation is None:
        raise UnknownNation(f"no nation has code {nation_code!r}", field="nation")
    return nation


def _check_rank(actor: Actor, role: str) -> None:
    if rank_of(role) > _rank_of_actor(actor):
        raise GrantRefused(
            f"{actor.label} is {actor.role or 'not a member'} and may not grant the role {role}", field="role"
        )


def _check_other(actor: Actor, user: Any, what: str) -> None:
    """Refuse a change to the actor's own rights, or to those of someone ranked above the actor."""
    if actor.user is not None and user.pk == actor.user.pk:
        raise GrantRefused(f"nobody may {what} for themselves; ask another coordinator", field="user")
    current = Membership.objects.filter(user=user).first()
    if current is not None and rank_of(current.role) > _rank_of_actor(actor):
        raise GrantRefused(
            f"{user.get_username()} is {current.role}, above {actor.label}; only an administrator may {what} "
            "for them",
            field="user",
        )


def check_grant(actor: Actor, user: Any, role: str) -> None:
    """May ``actor`` give ``user`` the role ``role``? Raises :class:`GrantRefused` if not."""
    require_coordinator(actor, "give memberships and roles")
    _check_other(actor, user, "change the membership or role")
    _check_rank(actor, role)


@transaction.atomic
def do_set_membership(actor: Actor, user: Any, nation_code: str | None, role: str) -> Membership:
    """Place a user in a nation (or in NATO staff when ``nation_code`` is None) with a role.

    Coordinators grant up to their own rank, never to themselves, and never change the rights of
    someone ranked above them (:func:`check_grant`)."""
    require_coordinator(actor, "change memberships")
    nation = check_membership(nation_code, role)
    check_grant(actor, user, role)
    current = Membership.objects.filter(user=user).first()
    before = snapshot(current)
    membership, _created = Membership.objects.update_or_create(
        user=user, defaults={"nation": nation, "role": role}
    )
    do_audit(actor, "membership.set", membership, before=before, after=snapshot(membership))
    _forget_cached_membership(user)
    return membership


def _forget_cached_membership(user: Any) -> None:
    if hasattr(user, "_veille_membership"):
        delattr(user, "_veille_membership")


# --- accounts --------------------------------------------------------------------------------


def check_set_active(actor: Actor, user: Any, active: bool) -> None:
    require_coordinator(actor, "deactivate or reactivate accounts")
    _check_other(
        actor, user, "deactivate or reactivate the account" if not active else "reactivate the account"
    )


@transaction.atomic
def do_set_active(actor: Actor, user: Any, active: bool) -> Any:
    """Deactivate an account (its sessions and API tokens stop working at once) or reactivate it."""
    check_set_active(actor, user, active)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    do_audit(
        actor,
        "user.reactivate" if active else "user.deactivate",
        user,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return user


# --- invitations -----------------------------------------------------------------------------


def _digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def check_invitation(
    actor: Actor, email: str, nation_code: str | None, role: str
) -> tuple[str, Nation | None]:
    """The e-mail address and the nation of an invitation ``actor`` may send; raises otherwise."""
    require_coordinator(actor, "invite people")
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email!r} is not an e-mail address", field="email") from None
    nation = check_membership(nation_code, role)
    _check_rank(actor, role)
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if existing is not None:
        raise InvalidInput(
            f"{existing.get_username()} already has the address {email}; change their membership instead",
            field="email",
        )
    return email, nation


@transaction.atomic
def do_invite(
    actor: Actor, email: str, nation_code: str | None, role: str, *, link_for: Callable[[str], str]
) -> tuple[Invitation, str]:
    """Invite a person to a membership; returns the invitation and its one-time link (``link_for``
    turns the secret into the address the person opens). The link is e-mailed after the
    transaction commits; a mail server that fails undoes nothing (the coordinator sees the link)."""
    email, nation = check_invitation(actor, email, nation_code, role)
    clear = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        nation=nation,
        role=role,
        key_sha256=_digest(clear),
        invited_by=actor.user,
        created_at=now,
        expires_at=now + INVITATION_VALID,
    )
    do_audit(
        actor,
        "invitation.create",
        invitation,
        after={
            "email": email,
            "nation": nation.code if nation else None,
            "role": role,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation, _send(actor, invitation, clear, link_for)


def _send(actor: Actor, invitation: Invitation, clear: str, link_for: Callable[[str], str]) -> str:
    """E-mail the invitation's link once the transaction commits; the link."""
    link = link_for(clear)
    nation = invitation.nation
    subject = _("Your invitation to veille")
    body = _(
        "%(who)s invites you to veille as %(role)s of %(place)s.\n\nChoose your user name and password "
        "here (the link works once, until %(until)s):\n%(link)s\n"
    ) % {
        "who": actor.label,
        "role": Role(invitation.role).label,
        "place": nation.name if nation else _("NATO staff"),
        "until": invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        "link": link,
    }
    email = invitation.email
    transaction.on_commit(lambda: _mail(email, subject, body))
    return link


def _pending(actor: Actor, invitation_id: int, what: str) -> Invitation:
    """The invitation ``actor`` may cancel or send again (locked); raises otherwise."""
    require_coordinator(actor, what)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("nation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise UnknownInvitation(f"no invitation has the number {invitation_id}")
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            f"the invitation of {invitation.email} was accepted on "
            f"{invitation.accepted_at:%Y-%m-%d %H:%M UTC}; change the membership of the account it "
            "created instead"
        )
    if invitation.cancelled_at is not None:
        raise InvitationCancelled(
            f"the invitation of {invitation.email} was cancelled on "
            f"{invitation.cancelled_at:%Y-%m-%d %H:%M UTC}; invite the person again"
        )
    return invitation


@transaction.atomic
def do_cancel_invitation(actor: Actor, invitation_id: int) -> Invitation:
    """Cancel an invitation that was not accepted: its link stops working at once. Audited."""
    invitation = _pending(actor, invitation_id, "cancel invitations")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    do_audit(
        actor,
        "invitation.cancel",
        invitation,
        after={"email": invitation.email, "cancelled_at": invitation.cancelled_at.isoformat()},
    )
    return invitation


@transaction.atomic
def do_resend_invitation(
    actor: Actor, invitation_id: int, *, link_for: Callable[[str], str]
) -> tuple[Invitation, str]:
    """Send an invitation that was not accepted again, waiting or expired, with a new link valid for
    :data:`INVITATION_VALID` from now (the old link stops working), if ``actor`` may still grant
    what it gives. Audited; returns the invitation and its new link."""
    invitation = _pending(actor, invitation_id, "send invitations again")
    check_invitation(actor, invitation.email, invitation.nation_id, invitation.role)
    clear = secrets.token_urlsafe(32)
    before = invitation.expires_at.isoformat()
    invitation.key_sha256 = _digest(clear)
    invitation.expires_at = timezone.now() + INVITATION_VALID
    invitation.invited_by = actor.user
    invitation.save(update_fields=["key_sha256", "expires_at", "invited_by"])
    do_audit(
        actor,
        "invitation.resend",
        invitation,
        before={"expires_at": before},
        after={"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
    )
    return invitation, _send(actor, invitation, clear, link_for)


def _mail(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # a mail server that fails must not undo the invitation; its link is shown
        log.exception("the invitation could not be e-mailed to %s", address)


def _invitation(clear: str, *, lock: bool = False) -> Invitation:
    qs = Invitation.objects.select_related("nation", "invited_by").filter(key_sha256=_digest(clear or ""))
    invitation = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if invitation is None:
        raise UnknownInvitation("this invitation link is not known; ask a coordinator for a new one")
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            f"this invitation was already used on {invitation.accepted_at:%Y-%m-%d %H:%M UTC}; log in with "
            "the account it created, or ask a coordinator for a new invitation"
        )
    if invitation.cancelled_at is not None:
        raise InvitationCancelled(
            f"this invitation was cancelled on {invitation.cancelled_at:%Y-%m-%d %H:%M UTC}; "
            "ask a coordinator for a new one"
        )
    if timezone.now() >= invitation.expires_at:
        raise InvitationExpired(
            f"this invitation expired on {invitation.expires_at:%Y-%m-%d %H:%M UTC} (links are valid for "
            f"{int(INVITATION_VALID.total_seconds() // 3600)} hours); ask a coordinator for a new one"
        )
    return invitation


def check_invitation_link(clear: str) -> Invitation:
    """The invitation behind a link, while it may be used; :class:`UnknownInvitation`,
    :class:`InvitationUsed` or :class:`InvitationExpired` otherwise."""
    return _invitation(clear)


def check_new_password(password: str, *, username: str = "", email: str = "") -> None:
    """Not the demo's published password, at least :data:`MIN_PASSWORD_LENGTH` characters and the
    site's password validators (too common, all digits, too close to the user name)."""
    from veille.nations.services import DEMO_PASSWORD

    if password == DEMO_PASSWORD:
        raise WeakPassword("is the demo's published password; choose another", field="password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"has {len(password)} characters; at least {MIN_PASSWORD_LENGTH} are needed", field="password"
        )
    user = get_user_model()(username=username, email=email)
    problems: list[str] = []
    for validate in (
        lambda: MinimumLengthValidator(MIN_PASSWORD_LENGTH).validate(password),
        lambda: validate_password(password, user),
    ):
        try:
            validate()
        except ValidationError as exc:
            problems += [m for m in exc.messages if m not in problems]
    if problems:
        raise WeakPassword(" ".join(problems), field="password")


def _check_username(username: str) -> str:
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput("give a user name of 1 to 150 characters", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput("use only letters, digits and @ . + - _", field="username") from None
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"the user name {username!r} is taken; choose another", field="username")
    return username


def check_accept_invitation(clear: str, username: str, password: str) -> Invitation:
    """The invitation behind a link, if it may still be accepted with this user name and password."""
    invitation = _invitation(clear)
    _check_inviter(invitation)
    username = _check_username(username)
    check_new_password(password, username=username, email=invitation.email)
    return invitation


def _check_inviter(invitation: Invitation) -> None:
    """The coordinator who sent the invitation must still be allowed to grant what it gives."""
    inviter = invitation.invited_by
    m = membership_of(inviter) if inviter is not None else None
    if (
        inviter is None
        or not inviter.is_active
        or m is None
        or rank_of(m.role) < max(rank_of(invitation.role), rank_of(Role.COORDINATOR))
    ):
        raise GrantRefused(
            "whoever sent this invitation may no longer grant the role it gives; ask a coordinator for a "
            "new one",
            field="invitation",
        )


@transaction.atomic
def do_accept_invitation(clear: str, username: str, password: str, *, ip: str | None = None) -> Any:
    """Create the invited person's account with the membership the invitation gives; the link is
    then used. Returns the new user. Two people following one link at once: one account only."""
    _invitation(clear, lock=True)
    invitation = check_accept_invitation(clear, username, password)
    user = get_user_model().objects.create_user(
        username=username.strip(), email=invitation.email, password=password
    )
    actor = Actor(user=user, ip=ip, via="web")
    do_audit(actor, "user.create", user, after={"username": user.get_username(), "email": user.email})
    membership = Membership.objects.create(user=user, nation=invitation.nation, role=invitation.role)
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "?"
    do_audit(
        actor,
        "membership.set",
        membership,
        after=snapshot(membership),
        note=f"given by invitation {invitation.pk} from {inviter}",
    )
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    do_audit(actor, "invitation.accept", invitation, after={"user": user.get_username()})
    return user
