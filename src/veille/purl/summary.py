"""Home-page counts of PURL, and each user's notifications: lists awaiting their approval, unread
PURL notices (:mod:`veille.notices`: a list to approve or returned, a shipment to receive, a package
fully funded, a delivery received)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.nations.access import Actor
from veille.notices.queries import unread_count
from veille.purl import workflow
from veille.purl.models import Contribution, Package, RequirementList
from veille.purl.rights import is_editor_of


def awaiting(user: Any) -> list[RequirementList]:
    """The lists whose current step is this user's to take."""
    if not getattr(user, "is_authenticated", False):
        return []
    actor = Actor.for_user(user, via="web")
    steps = []
    if is_editor_of(actor, "UKR"):
        steps += [workflow.DRAFT, workflow.RETURNED]
    if actor.role in ("coordinator", "admin"):
        steps.append(workflow.AWAITING["NATO"])
    if is_editor_of(actor, "USA"):
        steps.append(workflow.AWAITING["USA"])
    return list(RequirementList.objects.visible_to(user).filter(state__in=steps))


def unread(user: Any) -> int:
    """How many of the user's open PURL notices are unread."""
    return unread_count(user, app="purl")


def home_counts(user: Any) -> list[Count]:
    out = []
    mine = awaiting(user)
    if mine:
        out.append(Count(_("PURL lists awaiting your decision"), len(mine), reverse("purl:lists")))
    unread_count = unread(user)
    if unread_count:
        out.append(Count(_("New PURL notifications"), unread_count, reverse("purl:notifications")))
    # Counts are totals: synthetic demo records are counted apart, marked, never with real ones.
    packages = Package.objects.visible_to(user)
    real = packages.filter(synthetic=False).count()
    if real:
        out.append(Count(_("PURL packages"), real, reverse("purl:index")))
    demo = packages.filter(synthetic=True).count()
    if demo:
        out.append(Count(_("PURL packages (demo)"), demo, reverse("purl:index"), synthetic=True))
    contributions = (
        Contribution.objects.visible_to(user).filter(synthetic=False).values("nation_id").distinct().count()
    )
    if contributions:
        out.append(Count(_("Nations contributing to PURL"), contributions, reverse("purl:contributions")))
    return out
