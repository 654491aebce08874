"""Home-page counts of lessons learned: what waits on the user's step, the lessons the user may see,
and the public summaries."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veille.kit.counts import Count
from veille.lessons import queries
from veille.lessons.models import Lesson, PublicSummary


def home_counts(user: Any) -> list[Count]:
    out = []
    waiting = queries.awaiting(user)
    if waiting:
        out.append(
            Count(_("Lessons and observations waiting on your step"), len(waiting), reverse("lessons:index"))
        )
    lessons = Lesson.objects.visible_to(user)
    if lessons.exists():
        out.append(
            Count(
                _("Lessons learned"),
                lessons.count(),
                reverse("lessons:index"),
                synthetic=lessons.filter(synthetic=True).exists()
                and not lessons.filter(synthetic=False).exists(),
            )
        )
    summaries = PublicSummary.objects.count()
    if summaries:
        out.append(Count(_("Public summaries of lessons"), summaries, reverse("lessons:summaries")))
    return out
