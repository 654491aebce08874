"""What pages read of a user's notices: what waits for them, what is new, and the history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from veille.notices.models import Notice

__all__ = ["ForUser", "for_user", "history", "open_count", "open_keys", "unread_count", "users_told"]


def _mine(user: Any, app: str | None = None) -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    qs = Notice.objects.filter(user_id=user.pk)
    return qs.filter(app=app) if app else qs


@dataclass
class ForUser:
    """A user's open notices: actions still to do, and news not yet read."""

    to_do: list[Notice] = field(default_factory=list)
    new: list[Notice] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.to_do or self.new)


def for_user(user: Any, app: str | None = None, limit: int = 50) -> ForUser:
    """What waits for ``user`` (of ``app``, or of every mechanism), newest first."""
    open_ = _mine(user, app).filter(cleared_at=None)
    return ForUser(
        to_do=list(open_.filter(action=True)[:limit]),
        new=list(open_.filter(action=False, read_at=None)[:limit]),
    )


def open_count(user: Any, app: str | None = None) -> int:
    """Actions to do and news not yet read: the count the header shows."""
    mine = _mine(user, app).filter(cleared_at=None)
    return int(mine.filter(Q(action=True) | Q(action=False, read_at=None)).count())  # one query


def open_keys(keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that still have an open notice (anyone's): one query for them all."""
    wanted = list(keys)
    if not wanted:
        return set()
    return set(
        Notice.objects.filter(key__in=wanted, cleared_at=None)
        .order_by()
        .values_list("key", flat=True)
        .distinct()
    )


def unread_count(user: Any, app: str | None = None) -> int:
    """Open notices the user has not read yet (actions and news)."""
    return _mine(user, app).filter(cleared_at=None, read_at=None).count()


def history(user: Any, app: str | None = None, limit: int = 200) -> list[Notice]:
    """Every notice of the user, open or done, newest first."""
    return list(_mine(user, app)[:limit])


def users_told(key: str) -> set[int]:
    """Ids of the users who were ever raised the notice ``key`` (open, read or cleared): for a
    mechanism that tells each user once per key, such as a daily reminder."""
    return set(Notice.objects.filter(key=key).values_list("user_id", flat=True))
