"""Home-page counts of the Council, and each user's notices: actions of their bodies due within 7 days
or overdue (computed on the day, not stored), overdue actions for coordinators, unread notifications."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.core.actions import OVERDUE
from veille.council import queries
from veille.council.models import Decision, Meeting
from veille.council.rights import bodies_of
from veille.council.services import notifications as notify
from veille.kit.counts import Count
from veille.nations.access import Actor


def my_pressing(user: Any) -> list[dict[str, Any]]:
    """Actions of the user's bodies that are due within 7 days or overdue."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = bodies_of(Actor.for_user(user, via="web"))
    if not mine:
        return []
    rows = [r for body in sorted(mine) for r in queries.actions(user, owner=body)]
    return [r for r in rows if r["due_soon"] or r["status"] == OVERDUE]


def home_counts(user: Any) -> list[Count]:
    out = []
    pressing = my_pressing(user)
    if pressing:
        out.append(
            Count(
                _("Actions of your body due within 7 days or overdue"),
                len(pressing),
                reverse("council:actions"),
            )
        )
    if getattr(user, "is_authenticated", False) and Actor.for_user(user).is_coordinator:
        overdue = queries.actions(user, overdue=True)
        if overdue:
            out.append(
                Count(
                    _("Overdue Council actions"), len(overdue), reverse("council:actions") + "?status=overdue"
                )
            )
    unread = notify.unread(user)
    if unread:
        out.append(
            Count(_("New Council and lessons notifications"), unread, reverse("council:notifications"))
        )
    meetings = Meeting.objects.visible_to(user)
    if meetings.exists():
        out.append(Count(_("NATO-Ukraine Council meetings"), meetings.count(), reverse("council:index")))
        decisions = Decision.objects.visible_to(user).count()
        if decisions:
            out.append(Count(_("Council decisions"), decisions, reverse("council:decisions")))
    return out
