"""Notifications: a list awaiting a user's approval (or returned to Ukraine), a package that became
fully funded, a delivery received. PURL's services send them inside their own transaction. Each is
a row shown on the user's home page and PURL's notifications page, and an e-mail through Django's
mail API to users who have an address (``VEILLE_EMAIL_URL``; the console backend in the demo). Mail
is sent once the transaction commits, and a mail server that fails never undoes the write it
reports.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit
from veille.core.errors import InvalidInput
from veille.nations.access import Actor
from veille.nations.models import Membership, Role
from veille.purl.models import Notice, Notification

log = logging.getLogger(__name__)


def coordinators() -> list[Any]:
    ids = Membership.objects.filter(role__in=(Role.COORDINATOR, Role.ADMIN)).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def editors_of(*nations: str) -> list[Any]:
    ids = Membership.objects.filter(role=Role.EDITOR, nation_id__in=nations).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def send(
    users: Iterable[Any], kind: str, subject: str, url: str, *, visible: Any = None
) -> list[Notification]:
    """Notify each user once (only those who may see ``visible``, when given)."""
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen or (visible is not None and not visible.is_visible_to(user)):
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, subject=subject[:300], url=url, created_at=now))
    created = Notification.objects.bulk_create(rows)
    if created:
        ids = [n.pk for n in created if n.pk is not None]
        transaction.on_commit(lambda: _mail(ids))
    return created


def _mail(ids: list[int]) -> None:
    for note in Notification.objects.filter(pk__in=ids).select_related("user"):
        address = note.user.email
        if not address:
            continue
        label = str(Notice(note.kind).label)
        try:
            send_mail(
                f"[veille] {label}: {note.subject}",
                f"{label}: {note.subject}\n\n{note.url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [address],
            )
        except Exception:  # a mail server that fails must not undo the write it reports
            log.exception("notification %s could not be e-mailed to %s", note.pk, address)
            continue
        Notification.objects.filter(pk=note.pk).update(emailed=True)


def do_mark_read(actor: Actor) -> int:
    """The user marks every notification of theirs read; returns how many were unread (audited)."""
    if actor.user is None:
        raise InvalidInput("only a logged-in user has notifications", field="user")
    with transaction.atomic():
        count = Notification.objects.filter(user_id=actor.user.pk, read_at=None).update(
            read_at=timezone.now()
        )
        if count:
            do_audit(actor, "purl.notifications.read", object_type="purl.notification", after={"read": count})
        return count


__all__ = [
    "coordinators",
    "do_mark_read",
    "editors_of",
    "send",
]
