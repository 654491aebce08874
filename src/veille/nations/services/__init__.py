"""Every write of the nations app: reference nations, API tokens, login failures, demo users; people
and rights (memberships, invitations, accounts) in :mod:`veille.nations.services.people`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit, snapshot
from veille.core.errors import InvalidInput, NotFound
from veille.nations.access import Actor, require_coordinator
from veille.nations.exceptions import AccountLocked, UnknownNation, UserExists, WeakPassword
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
    do_cancel_invitation,
    do_invite,
    do_resend_invitation,
    do_set_active,
    do_set_membership,
    rank_of,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "INVITATION_VALID",
    "MAX_LOCK",
    "MIN_PASSWORD_LENGTH",
    "TOKEN_PREFIX",
    "authenticate_token",
    "check_accept_invitation",
    "check_first_coordinator",
    "check_grant",
    "check_invitation",
    "check_invitation_link",
    "check_login_allowed",
    "check_membership",
    "check_new_password",
    "check_set_active",
    "check_unlock",
    "do_accept_invitation",
    "do_cancel_invitation",
    "do_create_coordinator",
    "do_create_demo_users",
    "do_create_token",
    "do_invite",
    "do_load_reference",
    "do_record_login",
    "do_record_login_failure",
    "do_resend_invitation",
    "do_revoke_token",
    "do_set_active",
    "do_set_membership",
    "do_unlock",
    "lock_duration",
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
# Failures count per user name and client address: an outsider who guesses from one address locks
# that address out, never the user at hers. Each new lock of the same pair lasts twice as long as
# the one before (VEILLE_LOGIN_LOCK_MINUTES, twice, four times… up to MAX_LOCK), so that guessing
# slows down faster than it can go on; a successful login from that address, or an unlock, forgets it.

#: The longest a lock lasts, however many came before it.
MAX_LOCK = dt.timedelta(hours=24)


def _pair(username: str, address: str | None) -> dict[str, str]:
    return {"username": username.strip().casefold()[:150], "address": (address or "")[:45]}


def lock_duration(locks: int) -> dt.timedelta:
    """How long the ``locks``-th lock of one user name and address lasts (doubling, capped)."""
    minutes = settings.VEILLE_LOGIN_LOCK_MINUTES * 2 ** min(max(locks - 1, 0), 16)
    return min(dt.timedelta(minutes=minutes), MAX_LOCK)


def check_login_allowed(username: str, address: str | None = None) -> None:
    """Raise :class:`AccountLocked` while the user name is locked for this client address."""
    entry = LoginFailure.objects.filter(**_pair(username, address)).first()
    if entry and entry.locked_until and entry.locked_until > timezone.now():
        until = entry.locked_until.strftime("%Y-%m-%d %H:%M UTC")
        raise AccountLocked(
            f"too many failed logins from your address: this account is locked here until {until}",
            field="username",
        )


@transaction.atomic
def do_record_login_failure(username: str, address: str | None) -> LoginFailure:
    """Count a failed login of ``username`` from ``address``; lock the pair after
    ``VEILLE_LOGIN_MAX_FAILURES`` in a row, for longer at each new lock."""
    pair = _pair(username, address)
    LoginFailure.objects.get_or_create(username=pair["username"], address=pair["address"])
    entry = LoginFailure.objects.select_for_update().get(**pair)
    now = timezone.now()
    if entry.locked_until and entry.locked_until <= now:
        entry.failures = 0
        entry.locked_until = None
    entry.failures += 1
    entry.last_failure_at = now
    if entry.failures >= settings.VEILLE_LOGIN_MAX_FAILURES:
        entry.locks += 1
        entry.locked_until = now + lock_duration(entry.locks)
    entry.save()
    actor = Actor(ip=address, system=None, via="web")
    do_audit(actor, "login.failure", entry, note=f"{entry.failures} failure(s) for {entry.username}")
    if entry.locked_until:
        do_audit(
            actor,
            "login.locked",
            entry,
            note=f"{entry.username} locked for {address or 'an unknown address'} until "
            f"{entry.locked_until.isoformat()} (lock {entry.locks})",
        )
    return entry


@transaction.atomic
def do_record_login(actor: Actor) -> None:
    """A successful login of ``actor.user``: its failures from this address are forgotten, the login
    audited (those from other addresses stay: they are someone else's guesses)."""
    if actor.user is None:
        raise InvalidInput("only a user logs in", field="username")
    cleared, _ = LoginFailure.objects.filter(**_pair(actor.user.get_username(), actor.ip)).delete()
    do_audit(actor, "login.success", actor.user, note=f"{cleared} failure(s) forgotten" if cleared else "")


def check_unlock(actor: Actor, username: str) -> Any:
    """The user to unlock, if the caller is a coordinator (or a command) and the user exists."""
    require_coordinator(actor, "unlock accounts")
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise NotFound(f"no user called {username!r}", field="username")
    return user


@transaction.atomic
def do_unlock(actor: Actor, username: str) -> int:
    """Lift every lock and forget every failure of ``username`` (from every address); returns how
    many addresses were locked. Audited as ``login.unlock``, even when nothing was locked."""
    user = check_unlock(actor, username)
    entries = LoginFailure.objects.select_for_update().filter(username=user.get_username().casefold())
    now = timezone.now()
    locked = [e.address or "unknown" for e in entries if e.locked_until and e.locked_until > now]
    entries.delete()
    do_audit(
        actor,
        "login.unlock",
        user,
        before={"locked_for": locked},
        after={"locked_for": []},
        note=f"{len(locked)} address(es) unlocked",
    )
    return len(locked)


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


# --- the first coordinator (veille setup) ---------------------------------------------------


def check_first_coordinator(username: str, email: str, password: str | None) -> None:
    """The user name, e-mail address and password of a coordinator to create (``password`` None:
    only the name and address are checked)."""
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not username or len(username) > 150:
        raise InvalidInput("give a user name of 1 to 150 characters", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="username") from exc
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"{email!r} is not an e-mail address", field="email") from exc
    if password is not None:
        check_new_password(password, username=username, email=email)


def _is_coordinator(user: Any) -> bool:
    m = Membership.objects.filter(user=user).first()
    return m is not None and m.role in (Role.COORDINATOR, Role.ADMIN)


@transaction.atomic
def do_create_coordinator(actor: Actor, username: str, email: str, password: str | None) -> tuple[Any, bool]:
    """Create a NATO staff coordinator (``veille setup``'s first user); returns the user and whether
    it was created. A coordinator of that name already there is left as it is (its password too),
    so that the command can run again; a user of that name who is not a coordinator is refused."""
    require_coordinator(actor, "create coordinators")
    user_model = get_user_model()
    existing = user_model.objects.filter(username=username).first()
    if existing is not None:
        if _is_coordinator(existing):
            return existing, False
        raise UserExists(f"{username!r} is already a user and not a coordinator", field="username")
    if password is None:
        raise WeakPassword("a new coordinator needs a password", field="password")
    check_first_coordinator(username, email, password)
    user = user_model.objects.create_user(username=username, email=email, password=password)
    do_audit(actor, "user.create", user, after={"username": username, "email": email})
    do_set_membership(actor, user, None, Role.COORDINATOR)
    return user, True
