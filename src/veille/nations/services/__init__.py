"""Every write of the nations app: reference nations, API tokens, login failures, demo users; people
and rights (memberships, invitations, accounts) in :mod:`veille.nations.services.people`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput, NotFound
from veille.nations.access import Actor
from veille.nations.exceptions import AccountLocked, UnknownNation
from veille.nations.models import ApiToken, LoginFailure, Membership, Nation, Role
from veille.nations.reference import read_reference
from veille.nations.services.people import (
    INVITATION_VALID,
    MIN_PASSWORD_LENGTH,
    check_accept_invitation,
    check_grant,
    check_invitation,
    check_invitation_link,
    check_membership,
    check_new_password,
    check_set_active,
    do_accept_invitation,
    do_invite,
    do_set_active,
    do_set_membership,
    rank_of,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "INVITATION_VALID",
    "MIN_PASSWORD_LENGTH",
    "TOKEN_PREFIX",
    "authenticate_token",
    "check_accept_invitation",
    "check_grant",
    "check_invitation",
    "check_invitation_link",
    "check_login_allowed",
    "check_membership",
    "check_new_password",
    "check_set_active",
    "do_accept_invitation",
    "do_create_demo_users",
    "do_create_token",
    "do_invite",
    "do_load_reference",
    "do_record_login",
    "do_record_login_failure",
    "do_revoke_token",
    "do_set_active",
    "do_set_membership",
    "rank_of",
    "resolve_nation",
]

TOKEN_PREFIX = "vl_"  # noqa: S105 (a public prefix, not a secret)


def resolve_nation(name_or_code: str) -> Nation:
    """Find a nation by code, English or French name, or a known alias (case-insensitive)."""
    key = name_or_code.strip()
    if not key:
        raise UnknownNation("is empty", field="nation")
    nation = Nation.objects.filter(code=key.upper()).first()
    if nation:
        return nation
    folded = key.casefold()
    for candidate in Nation.objects.all():
        names = [candidate.name, candidate.name_fr, *candidate.aliases]
        if any(n.casefold() == folded for n in names if n):
            return candidate
    raise UnknownNation(f"no nation is called {key!r}", field="nation")


@transaction.atomic
def do_load_reference(actor: Actor, folder: Path | None = None) -> dict[str, int]:
    """Create or update the reference nations; returns counts of created, updated and unchanged."""
    folder = folder or settings.DATA_DIR / "reference"
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for rec in read_reference(folder):
        values = asdict(rec)
        code = values.pop("code")
        current = Nation.objects.filter(code=code).first()
        if current is None:
            nation = Nation.objects.create(code=code, **values)
            do_audit(actor, "nation.create", nation, after=snapshot(nation))
            counts["created"] += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            before = snapshot(current)
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
            do_audit(actor, "nation.update", current, before=before, after=snapshot(current))
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


# --- API tokens -----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_create_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Create an API token for the acting user; the clear token is returned once, never stored."""
    if actor.user is None:
        raise InvalidInput("only a logged-in user can own a token", field="user")
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("give the token a name of 1 to 80 characters", field="name")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor.user, name=name, prefix=clear[:10], key_sha256=_digest(clear))
    do_audit(actor, "token.create", token, after={"name": name, "prefix": token.prefix})
    return token, clear


@transaction.atomic
def do_revoke_token(actor: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=actor.user, revoked_at=None).first()
    if token is None:
        raise NotFound(f"you have no active token {token_id}", field="token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    do_audit(actor, "token.revoke", token, after={"prefix": token.prefix})
    return token


def authenticate_token(clear: str) -> object | None:
    """The user behind a bearer token, or None for an unknown or revoked token."""
    if not clear.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_sha256=_digest(clear), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- login failures and lockout -------------------------------------------------------------


def check_login_allowed(username: str) -> None:
    """Raise :class:`AccountLocked` while the user name is locked."""
    entry = LoginFailure.objects.filter(username=username.casefold()).first()
    if entry and entry.locked_until and entry.locked_until > timezone.now():
        until = entry.locked_until.strftime("%H:%M UTC")
        raise AccountLocked(f"too many failed logins: this account is locked until {until}", field="username")


@transaction.atomic
def do_record_login_failure(username: str, address: str | None) -> LoginFailure:
    """Count a failed login; lock the user name after ``VEILLE_LOGIN_MAX_FAILURES`` in a row."""
    entry, _ = LoginFailure.objects.select_for_update().get_or_create(username=username.casefold())
    now = timezone.now()
    if entry.locked_until and entry.locked_until <= now:
        entry.failures = 0
        entry.locked_until = None
    entry.failures += 1
    entry.last_failure_at = now
    entry.last_address = address
    if entry.failures >= settings.VEILLE_LOGIN_MAX_FAILURES:
        entry.locked_until = now + dt.timedelta(minutes=settings.VEILLE_LOGIN_LOCK_MINUTES)
    entry.save()
    actor = Actor(ip=address, system=None, via="web")
    do_audit(actor, "login.failure", entry, note=f"{entry.failures} failure(s) for {entry.username}")
    if entry.locked_until:
        do_audit(actor, "login.locked", entry, note=f"locked until {entry.locked_until.isoformat()}")
    return entry


@transaction.atomic
def do_record_login(actor: Actor) -> None:
    """A successful login of ``actor.user``: its failures are forgotten, the login audited."""
    if actor.user is None:
        raise InvalidInput("only a user logs in", field="username")
    username = actor.user.get_username().casefold()
    cleared, _ = LoginFailure.objects.filter(username=username).delete()
    do_audit(actor, "login.success", actor.user, note=f"{cleared} failure(s) forgotten" if cleared else "")


# --- demo users -----------------------------------------------------------------------------

#: The named users of the demo and of the tests (DESIGN.md §8). Their password is public.
DEMO_PASSWORD = "veille-demo-2026"  # noqa: S105 (published in the README on purpose)
DEMO_USERS = (
    ("alice", None, Role.COORDINATOR, "Alice, NATO staff coordinator"),
    ("nora", "NOR", Role.EDITOR, "Nora, Norway editor"),
    ("pawel", "POL", Role.VIEWER, "Paweł, Poland viewer"),
    ("olga", "UKR", Role.EDITOR, "Olga, Ukraine editor"),
    ("sam", "USA", Role.EDITOR, "Sam, United States editor"),
    ("eve", "", None, "Eve, no membership"),
)


@transaction.atomic
def do_create_demo_users(
    actor: Actor, users: Iterable[tuple[str, str | None, str | None, str]] = DEMO_USERS
) -> list[str]:
    """Create the demo users if missing (idempotent); returns the names created. ``users`` are
    (user name, nation code or None for NATO staff, role or None for no membership, "First, Last")."""
    user_model = get_user_model()
    created = []
    for username, nation_code, role, full_name in users:
        user, was_created = user_model.objects.get_or_create(username=username)
        if was_created:
            first, _, last = full_name.partition(", ")
            user.first_name, user.last_name = first, last
            # A reserved domain (RFC 2606): notification mails show on the console backend, never leave.
            user.email = f"{username}@demo.invalid"
            user.set_password(DEMO_PASSWORD)
            user.save()
            created.append(username)
            do_audit(actor, "user.create", user, after={"username": username, "demo": True})
        if role is not None and not Membership.objects.filter(user=user).exists():
            do_set_membership(actor, user, nation_code, role)
    return created
