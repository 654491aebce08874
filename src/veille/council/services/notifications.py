"""Notifications of the Council and lessons learned: an action tasked to a user's body, due within
7 days or overdue; a lesson waiting on a user's step. Each is a row shown on the home page and on
the notifications page, and an e-mail through Django's mail API to users who have an address
(``VEILLE_EMAIL_URL``). Mail is sent once the transaction commits, and a mail server that fails
never undoes the write it reports.

Written apart from the records it announces (it knows users, keys and links, not actions or
lessons), as PURL's notifications are, so that both can move to one shared facility later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from veille.audit.services import do_audit
from veille.council.models import Notice, Notification
from veille.nations.access import Actor

log = logging.getLogger(__name__)


def send(
    users: Iterable[Any], kind: str, subject: str, url: str, key: str, *, visible: Any = None
) -> list[Notification]:
    """Notify each user once per ``key`` (only those who may see ``visible``, when given)."""
    now = timezone.now()
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or (visible is not None and not visible.is_visible_to(user)):
            continue
        seen.add(user.pk)
        if Notification.objects.filter(user_id=user.pk, key=key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user, kind=kind, subject=subject[:300], url=url, key=key[:120], created_at=now
                    )
                )
        except IntegrityError:  # sent by a concurrent run in the meantime
            continue
    if created:
        ids = [n.pk for n in created]
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


def unread(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at=None).count()


@transaction.atomic
def do_mark_read(actor: Actor) -> int:
    """Mark the acting user's notifications read; audited. Returns how many were unread."""
    if actor.user is None:
        return 0
    count = Notification.objects.filter(user_id=actor.user.pk, read_at=None).update(read_at=timezone.now())
    if count:
        do_audit(
            actor, "council.notifications.read", object_type="council.notification", after={"read": count}
        )
    return count


__all__ = [
    "do_mark_read",
    "send",
    "unread",
]
