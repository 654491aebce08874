"""Raising and clearing notices: the state-following API the mechanisms call from their services.

A mechanism names each thing it waits for or reports with a *key* (``purl:list:5:decision``,
``purl:shipment:9:receipt``) and, inside the transaction of the change that moves its state:

* :func:`do_raise` — the key's notice for the users who must act (``action=True``) or should know;
  a user who has the key open and unread keeps that notice (no second one, no second e-mail);
* :func:`do_clear` — the action is done: the key's open notices are cleared, for everyone or for
  the users named (a list approved by NATO clears "a list awaits your approval" for every
  coordinator, not only for the one who approved).

On a transition, clear the key of the step that was awaited, then raise the key of the next one::

    notices.do_clear(actor, f"purl:list:{lst.pk}:decision")
    notices.do_raise(actor, f"purl:list:{lst.pk}:decision", editors_of("USA"), app="purl",
                     kind="awaiting", title=AWAITING, subject=lst.title, url=url, action=True,
                     visible=lst)

``title`` is English text the mechanism marks for translation (``gettext_noop``) in its own
catalogue; pages show it in the reader's language. Users without an e-mail address get the notice
on their pages only; others also get an e-mail through Django's mail API (``VEILLE_EMAIL_URL``),
sent after the transaction commits: a mail server that fails never undoes the write it reports.
Users who may not see what the notice is about (``visible``, anything with ``is_visible_to(user)``)
are left out. Each raise and clear is audited (``notices.raise``, ``notices.clear``), and so is a
user marking notices read (``notices.read``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from veille.audit.services import do_audit
from veille.core.errors import InvalidInput
from veille.kit.actors import ActorLike
from veille.notices.exceptions import BadNotice
from veille.notices.models import Notice

__all__ = ["check_notice", "do_clear", "do_mark_read", "do_raise"]

log = logging.getLogger(__name__)

_LIMITS = {"key": 200, "app": 30, "kind": 40, "title": 200, "subject": 300, "url": 300}


def check_notice(**fields: Any) -> dict[str, str]:
    """Each of ``key``, ``app``, ``kind``, ``title``, ``url`` is required and within its length; a
    subject longer than its column is cut (it is the name of a list, a package…), never refused.

    >>> check_notice(key="purl:list:5:decision", app="purl", kind="awaiting",
    ...              title="A list awaits your approval", subject="October", url="/purl/lists/5/")["key"]
    'purl:list:5:decision'
    >>> check_notice(key="", app="purl", kind="x", title="t", subject="", url="/")
    Traceback (most recent call last):
    ...
    veille.notices.exceptions.BadNotice: key: is required
    """
    clean: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        value = str(fields.get(name) or "").strip()
        if name == "subject":
            clean[name] = value[:limit]
            continue
        if not value:
            raise BadNotice("is required", field=name)
        if len(value) > limit:
            raise BadNotice(f"is at most {limit} characters", field=name)
        clean[name] = value
    return clean


def do_raise(
    actor: ActorLike,
    key: str,
    users: Iterable[Any],
    *,
    app: str,
    kind: str,
    title: str,
    subject: str,
    url: str,
    action: bool = False,
    visible: Any = None,
    synthetic: bool | None = None,
) -> list[Notice]:
    """Raise the notice ``key`` for each of ``users`` (once each; only those who may see
    ``visible``). A user with the key open and unread keeps it; one who read it gets a new one (the
    read one is cleared), since it is news again. A notice about a synthetic demo record says so
    (``synthetic``, by default the ``synthetic`` mark of ``visible``). Returns the notices created."""
    if synthetic is None:
        synthetic = bool(getattr(visible, "synthetic", False))
    values = check_notice(key=key, app=app, kind=kind, title=title, subject=subject, url=url)
    with transaction.atomic():
        chosen: dict[int, Any] = {}
        for user in users:
            if user is None or user.pk in chosen or not getattr(user, "is_active", True):
                continue
            if visible is not None and not visible.is_visible_to(user):
                continue
            chosen[user.pk] = user
        if not chosen:
            return []
        now = timezone.now()
        open_ = Notice.objects.filter(key=values["key"], user_id__in=chosen, cleared_at=None)
        keep = set(open_.filter(read_at=None).values_list("user_id", flat=True))
        open_.exclude(user_id__in=keep).update(cleared_at=now, cleared_by=_label(actor))
        rows = [
            Notice(user=user, **values, action=action, synthetic=synthetic, created_at=now)
            for pk, user in chosen.items()
            if pk not in keep
        ]
        created = Notice.objects.bulk_create(rows)
        if created:
            do_audit(
                actor,
                "notices.raise",
                object_type="notices.notice",
                object_id=values["key"][:80],
                after={
                    "kind": values["kind"],
                    "action": action,
                    "users": sorted(u.get_username() for u in (n.user for n in created)),
                },
            )
            ids = [n.pk for n in created if n.pk is not None]
            transaction.on_commit(lambda: _mail(ids))
        return created


def do_clear(actor: ActorLike, key: str, users: Iterable[Any] | None = None) -> int:
    """The action ``key`` awaited is done: clear its open notices (of ``users``, or everyone's).
    Returns how many were cleared."""
    if not str(key or "").strip():
        raise BadNotice("is required", field="key")
    with transaction.atomic():
        qs = Notice.objects.filter(key=key, cleared_at=None)
        if users is not None:
            qs = qs.filter(user_id__in=[u.pk for u in users])
        names = sorted(set(qs.values_list("user__username", flat=True)))
        count = qs.update(cleared_at=timezone.now(), cleared_by=_label(actor))
        if count:
            do_audit(
                actor,
                "notices.clear",
                object_type="notices.notice",
                object_id=key[:80],
                after={"cleared": count, "users": names},
            )
        return count


def do_mark_read(actor: ActorLike, app: str | None = None, ids: Iterable[int] | None = None) -> int:
    """The user marks their unread notices read (of ``app``, or those ``ids``, or all); an action
    stays to do until it is done. Returns how many were unread (audited when any)."""
    if actor.user is None:
        raise InvalidInput("only a logged-in user has notices", field="user")
    with transaction.atomic():
        qs = Notice.objects.filter(user_id=actor.user.pk, read_at=None)
        if app:
            qs = qs.filter(app=app)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        count = qs.update(read_at=timezone.now())
        if count:
            do_audit(
                actor, "notices.read", object_type="notices.notice", after={"read": count, "app": app or ""}
            )
        return count


def _label(actor: ActorLike) -> str:
    return str(actor.label)[:150]


def _mail(ids: list[int]) -> None:
    from django.utils.translation import gettext, override

    for note in Notice.objects.filter(pk__in=ids).select_related("user"):
        address = note.user.email
        if not address:
            continue
        with override(settings.LANGUAGE_CODE):
            title = gettext(note.title)
        try:
            send_mail(
                f"[veille] {title}: {note.subject}",
                f"{title}: {note.subject}\n\n{note.url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [address],
            )
        except Exception:  # a mail server that fails must not undo the write it reports
            log.exception("notice %s could not be e-mailed to %s", note.pk, address)
            continue
        Notice.objects.filter(pk=note.pk).update(emailed=True)
