"""Read models of lessons learned for pages, the API and exports: every read goes through
``visible_to(user)``. What waits on a user's step, and which lessons are ageing (in one stage for
more than :data:`AGEING_DAYS` days), are worked out on the day asked about."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from veille.core.actions import age_days
from veille.lessons import cycle
from veille.lessons.models import Lesson, Observation, PublicSummary, Stage
from veille.lessons.rights import may_take
from veille.nations.access import Actor

#: A lesson (or observation) that has waited this long on its next step is listed for coordinators.
AGEING_DAYS = 90

OBSERVATION_COLUMNS = [
    "id",
    "title",
    "nation",
    "observed_on",
    "domains",
    "stage",
    "stage_since",
    "lesson",
    "releasable_to",
    "synthetic",
]
LESSON_COLUMNS = [
    "id",
    "title",
    "domains",
    "stage",
    "stage_since",
    "next_step",
    "action",
    "action_owner",
    "observations",
    "public_summary",
    "releasable_to",
    "synthetic",
]
SUMMARY_COLUMNS = ["lesson", "title", "text", "released_at"]
TABLES = {"observations": OBSERVATION_COLUMNS, "lessons": LESSON_COLUMNS, "summaries": SUMMARY_COLUMNS}


def observation_row(o: Observation) -> dict[str, Any]:
    return {
        "id": o.pk,
        "url": o.get_absolute_url(),
        "title": o.title,
        "text": o.text,
        "analysis": o.analysis,
        "nation": o.owner_nation_id,
        "observed_on": o.observed_on,
        "domains": ",".join(o.domain_list),
        "domain_labels": o.domain_labels,
        "stage": o.stage,
        "stage_label": str(Stage(o.stage).label),
        "stage_since": o.stage_since,
        "next_step": cycle.next_step(o.stage) if o.stage in (cycle.OBSERVED, cycle.ANALYSED) else None,
        "lesson": o.lesson_id,
        "releasable_to": o.releasable_to,
        "synthetic": o.synthetic,
    }


def lesson_row(lesson: Lesson, user: Any = None) -> dict[str, Any]:
    summary = getattr(lesson, "public_summary", None)
    action = lesson.action
    return {
        "id": lesson.pk,
        "url": lesson.get_absolute_url(),
        "title": lesson.title,
        "text": lesson.text,
        "domains": ",".join(lesson.domain_list),
        "domain_labels": lesson.domain_labels,
        "stage": lesson.stage,
        "stage_label": str(Stage(lesson.stage).label),
        "stage_since": lesson.stage_since,
        "next_step": cycle.next_step(lesson.stage),
        "action": action.pk if action else None,
        "action_owner": action.owner if action else "",
        "observations": ",".join(str(o.pk) for o in lesson.observations.all()),
        "public_summary": summary.text if summary else "",
        "releasable_to": lesson.releasable_to,
        "synthetic": lesson.synthetic,
    }


def observations(user: Any) -> Any:
    return Observation.objects.visible_to(user)


def lessons(user: Any) -> Any:
    return (
        Lesson.objects.visible_to(user)
        .select_related("action", "public_summary")
        .prefetch_related("observations")
    )


def awaiting(user: Any) -> list[Observation | Lesson]:
    """Observations and lessons whose next step this user may take."""
    if not getattr(user, "is_authenticated", False):
        return []
    actor = Actor.for_user(user, via="web")
    found: list[Observation | Lesson] = []
    # one query per model for all its stages (in each stage, the model's order; at most 500 a stage)
    stages = [
        s for s in (cycle.OBSERVED, cycle.ANALYSED) if (step := cycle.next_step(s)) and may_take(actor, step)
    ]
    by_stage: dict[str, list[Any]] = defaultdict(list)
    for o in observations(user).filter(stage__in=stages) if stages else []:
        by_stage[o.stage].append(o)
    lesson_stages = (cycle.IDENTIFIED, cycle.TASKED, cycle.IMPLEMENTED, cycle.VALIDATED)
    for x in lessons(user).filter(stage__in=lesson_stages):
        by_stage[x.stage].append(x)
    for stage in stages:
        found += by_stage[stage][:500]
    for stage in lesson_stages:
        step = cycle.next_step(stage)
        for lesson in by_stage[stage][:500]:
            owner = lesson.action.owner if lesson.action else None
            if step and may_take(actor, step, owner):
                found.append(lesson)
    return found


def ageing(user: Any, on: dt.date | None = None, days: int = AGEING_DAYS) -> list[dict[str, Any]]:
    """Lessons not yet learned, and observations not yet identified, waiting on one stage for more
    than ``days`` days, the oldest first."""
    today = on or timezone.localdate()
    cutoff = timezone.now() - dt.timedelta(days=days) if on is None else None
    rows: list[dict[str, Any]] = []
    lqs = lessons(user).exclude(stage=cycle.LEARNED)
    oqs = observations(user).filter(stage__in=(cycle.OBSERVED, cycle.ANALYSED))
    if cutoff is not None:
        lqs, oqs = lqs.filter(stage_since__lt=cutoff), oqs.filter(stage_since__lt=cutoff)
    for obj, row in [(x, lesson_row(x)) for x in lqs] + [(o, observation_row(o)) for o in oqs]:
        age = age_days(timezone.localtime(obj.stage_since).date(), today)
        if age > days:
            rows.append(
                {**row, "kind": "lesson" if isinstance(obj, Lesson) else "observation", "age_days": age}
            )
    return sorted(rows, key=lambda r: -r["age_days"])


def table_rows(user: Any, table: str) -> list[dict[str, Any]]:
    if table == "observations":
        return [observation_row(o) for o in observations(user)]
    if table == "lessons":
        return [lesson_row(x) for x in lessons(user)]
    return [
        {"lesson": s.lesson_id, "title": s.title, "text": s.text, "released_at": s.released_at}
        for s in PublicSummary.objects.all()
    ]


__all__ = [
    "ageing",
    "awaiting",
    "lesson_row",
    "lessons",
    "observation_row",
    "observations",
    "table_rows",
]
