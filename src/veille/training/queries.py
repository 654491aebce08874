"""Read models of training: programmes, their stated figures (with conflicts shown as such), the nations
that host them, cohorts; and the timeline that lays the Council, the milestones and the actions on
one axis. Releasable records (cohorts, meetings, decisions, actions) are read through
``visible_to(user)``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils import timezone

from veille.core import statements
from veille.council import queries as council
from veille.council.models import Milestone
from veille.lessons import queries as lessons
from veille.training.models import Cohort, Hosting, Programme, TrainedFigure

FIGURE_COLUMNS = [
    "key",
    "programme",
    "date",
    "precision",
    "provider",
    "trained_count",
    "qualifier",
    "shown",
    "cumulative",
    "period_label",
    "conflicts_with",
    "falls_below",
    "source_title",
    "source_url",
    "source_class",
    "lower_confidence",
    "where",
    "note",
]
HOST_COLUMNS = [
    "nation",
    "programme",
    "source_title",
    "source_url",
    "source_class",
    "lower_confidence",
    "note",
]
COHORT_COLUMNS = ["id", "programme", "host", "specialty", "starts_on", "ends_on", "trainees", "synthetic"]
TABLES = {"figures": FIGURE_COLUMNS, "hosts": HOST_COLUMNS, "cohorts": COHORT_COLUMNS}


def figure_rows(programme: Programme | None = None) -> list[dict[str, Any]]:
    """Stated figures, each with the rows its note says it conflicts with and the earlier statement of
    its programme it falls below (a cumulative total should not fall): both stay, shown as such."""
    qs = TrainedFigure.objects.select_related("programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    figures = list(qs)
    falls: dict[str, str] = {}
    by_programme: dict[int, list[TrainedFigure]] = defaultdict(list)
    for f in figures:
        by_programme[f.programme_id].append(f)
    for group in by_programme.values():
        found = statements.falls(
            statements.Statement(f.key, f.date, f.trained_count, f.qualifier, f.cumulative) for f in group
        )
        falls.update({x.later: x.earlier for x in found})
        falls.update({x.earlier: falls.get(x.earlier, "") for x in found})
    rows = []
    for f in figures:
        conflicts = [k for k in f.conflicts_with.split() if k]
        rows.append(
            {
                "key": f.key,
                "programme": f.programme.name,
                "programme_id": f.programme_id,
                "date": f.date,
                "date_label": f.date_label,
                "precision": f.precision,
                "provider": f.provider,
                "trained_count": f.trained_count,
                "qualifier": f.qualifier,
                "qualifier_label": f.get_qualifier_display(),
                "shown": f.shown,
                "cumulative": f.cumulative,
                "period_label": f.period_label,
                "conflicts_with": " ".join(conflicts),
                "falls_below": falls.get(f.key, ""),
                "conflict": bool(conflicts or f.key in falls),
                "source_title": f.source_title,
                "source_url": f.source_url,
                "source_class": f.source_class,
                "source_reasons": f.source_reasons,
                "lower_confidence": f.lower_confidence,
                "where": f.where,
                "note": f.note,
            }
        )
    return rows


def programmes() -> list[dict[str, Any]]:
    hosts: dict[int, list[str]] = defaultdict(list)
    for h in Hosting.objects.all():
        hosts[h.programme_id].append(h.nation_id)
    latest: dict[int, TrainedFigure] = {}
    for f in TrainedFigure.objects.filter(cumulative=True).order_by("date", "key"):
        latest[f.programme_id] = f
    return [
        {
            "id": p.pk,
            "url": p.get_absolute_url(),
            "name": p.name,
            "provider": p.provider,
            "coordinated_by_nsatu": p.coordinated_by_nsatu,
            "hosts": hosts.get(p.pk, []),
            "latest": latest.get(p.pk),
            "figures": p.n_figures,
        }
        # one query, not one per programme; ordered here since Meta.ordering does not apply to a
        # query that groups (the order would be the database's own, and differ after a restore)
        for p in Programme.objects.annotate(n_figures=Count("figures")).order_by("name", "pk")
    ]


def host_rows(user: Any) -> list[dict[str, Any]]:
    """Which nation hosts which training: the sourced host nations of each programme, and the cohorts
    the user may see."""
    cohorts: dict[tuple[str, int], int] = defaultdict(int)
    for c in Cohort.objects.visible_to(user):
        cohorts[(c.host_id, c.programme_id)] += c.trainees
    rows = [
        {
            "nation": h.nation_id,
            "nation_name": h.nation.name,
            "programme": h.programme.name,
            "programme_id": h.programme_id,
            "cohort_trainees": cohorts.pop((h.nation_id, h.programme_id), None),
            "source_title": h.source_title,
            "source_url": h.source_url,
            "source_class": h.source_class,
            "source_reasons": h.source_reasons,
            "lower_confidence": h.lower_confidence,
            "where": h.where,
            "note": h.note,
        }
        for h in Hosting.objects.select_related("nation", "programme").order_by(
            "nation__name", "programme__name"
        )
    ]
    names = dict(Programme.objects.values_list("pk", "name"))
    for (nation, programme_id), trainees in cohorts.items():  # cohorts in a nation no source lists
        rows.append(
            {
                "nation": nation,
                "nation_name": nation,
                "programme": names.get(programme_id, ""),
                "programme_id": programme_id,
                "cohort_trainees": trainees,
                "source_title": "",
                "source_url": "",
                "source_class": "",
                "lower_confidence": False,
                "where": "",
                "note": "",
            }
        )
    return rows


def cohort_rows(user: Any, programme: Programme | None = None) -> list[dict[str, Any]]:
    qs = Cohort.objects.visible_to(user).select_related("programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return [
        {
            "id": c.pk,
            "url": c.get_absolute_url(),
            "programme": c.programme.name,
            "host": c.host_id,
            "specialty": c.specialty,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "trainees": c.trainees,
            "synthetic": c.synthetic,
        }
        for c in qs
    ]


def table_rows(user: Any, table: str) -> list[dict[str, Any]]:
    if table == "figures":
        return figure_rows()
    if table == "hosts":
        return host_rows(user)
    return cohort_rows(user)


def timeline(user: Any, on: dt.date | None = None) -> dict[str, Any]:
    """Meetings, decisions, milestones and actions the user may see, on one axis."""
    today = on or timezone.localdate()
    meetings = [council.meeting_row(m) for m in council.meetings(user).order_by("date")]
    decisions = [council.decision_row(d) for d in council.decisions(user)]
    milestones = [council.milestone_row(m) for m in Milestone.objects.all()]
    actions = council.actions(user, on=today)
    return {
        "today": today,
        "meetings": meetings,
        "decisions": decisions,
        "milestones": milestones,
        "actions": actions,
        "overdue": [a for a in actions if a["status"] == "overdue"],
        "ageing": lessons.ageing(user, on=None),
    }


__all__ = [
    "cohort_rows",
    "figure_rows",
    "host_rows",
    "programmes",
    "table_rows",
    "timeline",
]
