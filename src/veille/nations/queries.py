"""Read models of the nations app, shared by pages, API and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from veille.nations.models import LoginFailure, Membership, Nation, Role, localised_name

__all__ = ["coordinators", "display_name", "editors_of", "forget_names", "locked_logins", "nation_rows"]


def coordinators() -> list[Any]:
    """Active users who coordinate (coordinators and admins): NATO's step, packages, allocations."""
    ids = Membership.objects.filter(role__in=(Role.COORDINATOR, Role.ADMIN)).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def editors_of(*nations: str) -> list[Any]:
    """Active editors of these nations (who take a nation's steps)."""
    ids = Membership.objects.filter(role=Role.EDITOR, nation_id__in=nations).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def locked_logins() -> list[LoginFailure]:
    """The user names locked now, one row per client address (coordinators' unlock page)."""
    return list(LoginFailure.objects.filter(locked_until__gt=timezone.now()).order_by("username", "address"))


def nation_rows(on: dt.date | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """One row per nation with its status on ``on`` (today by default)."""
    day = on or dt.date.today()
    qs = Nation.objects.all()
    rows = []
    for n in qs:
        status = n.status_on(day)
        if kind and status != kind:
            continue
        rows.append(
            {
                "code": n.code,
                "name": n.name,
                "name_fr": n.name_fr,
                "kind": n.kind,
                "status": status,
                "status_on": day.isoformat(),
                "accession_date": n.accession_date,
                "partnership_date": n.partnership_date,
                "partnership_framework": n.partnership_framework,
                "eu_member": n.eu_member,
                "source": n.source,
                "note": n.note,
            }
        )
    return rows


#: The cache key of the names map (cleared whenever a nation is saved: see ``apps.py``).
NAMES_CACHE_KEY = "nations:display-names"


def forget_names() -> None:
    """Read the names again at the next :func:`display_name` (a nation was saved)."""
    from django.core.cache import cache

    cache.delete_many([NAMES_CACHE_KEY])


def _names() -> dict[str, tuple[str, str]]:
    from django.core.cache import cache

    names: dict[str, tuple[str, str]] | None = cache.get(NAMES_CACHE_KEY)
    if names is None:
        names = {}
        for code, name, name_fr in Nation.objects.values_list("code", "name", "name_fr"):
            names[code] = names[name] = (name, name_fr)
        cache.set(NAMES_CACHE_KEY, names, 300)
    return names


def display_name(key: Any) -> str:
    """A nation's name in the reader's language, from a :class:`Nation`, its code or its English name
    (``"DEU"`` or ``"Germany"`` → ``"Allemagne"`` in French); any other text is returned as it is."""
    if isinstance(key, Nation):
        return key.display_name
    text = "" if key is None else str(key)
    pair = _names().get(text)
    return localised_name(*pair) if pair else text
