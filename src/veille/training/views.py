"""Pages of the training mechanism: the overview of training, lessons and the Council; the timeline;
programmes with their curves of stated figures; which nation hosts which training; cohorts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from veille.council import queries as council
from veille.council.write_views import form_page
from veille.kit.exports import export_response
from veille.lessons.models import Lesson
from veille.nations.access import Actor, membership_of
from veille.training import charts, queries, services
from veille.training.forms import CohortForm
from veille.training.models import Cohort, Programme


def index(request: HttpRequest) -> HttpResponse:
    rows = council.actions(request.user)
    context = {
        "meetings": council.meetings(request.user).count(),
        "decisions": council.decisions(request.user).count(),
        "counts": council.status_counts(rows),
        "actions": len(rows),
        "lessons": Lesson.objects.visible_to(request.user).count(),
        "programmes": queries.programmes(),
    }
    return render(request, "training/index.html", context)


def timeline(request: HttpRequest) -> HttpResponse:
    data = queries.timeline(request.user)
    actor = Actor.from_request(request)
    context = {
        **data,
        "spec": charts.timeline_spec(data)
        if data["meetings"] or data["milestones"] or data["actions"]
        else None,
        "coordinator": actor.user is not None and actor.is_coordinator,
        "events": sorted(
            [
                {
                    "date": m["date"],
                    "lane": _("Council meeting"),
                    "text": m["occasion"],
                    "url": m["url"],
                    "emergency": m["requested_by_ukraine"],
                }
                for m in data["meetings"]
            ]
            + [
                {"date": d["date"], "lane": _("Decision"), "text": d["text"], "url": d["url"]}
                for d in data["decisions"]
            ]
            + [
                {"date": m["date"], "lane": m["body"], "text": m["text"], "label": m["date_label"]}
                for m in data["milestones"]
            ]
            + [
                {
                    "date": a["tasked_on"],
                    "lane": _("Action"),
                    "text": a["title"],
                    "url": a["url"],
                    "action": a,
                }
                for a in data["actions"]
            ],
            key=lambda e: e["date"],
            reverse=True,
        ),
    }
    return render(request, "training/timeline.html", context)


def programmes(request: HttpRequest) -> HttpResponse:
    rows = queries.figure_rows()
    context = {
        "programmes": queries.programmes(),
        "spec": charts.curve_spec(rows, _("People trained by programme, as stated")) if rows else None,
        "table": "figures",
    }
    return render(request, "training/programmes.html", context)


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    found = Programme.objects.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such programme."))
    rows = queries.figure_rows(found)
    actor = Actor.from_request(request)
    context = {
        "programme": found,
        "figures": rows,
        "spec": charts.curve_spec(rows, found.name) if any(r["cumulative"] for r in rows) else None,
        "hostings": found.hostings.select_related("nation"),
        "cohorts": queries.cohort_rows(request.user, found),
        "may_record": actor.user is not None and (actor.is_coordinator or actor.role == "editor"),
    }
    return render(request, "training/programme.html", context)


def hosts(request: HttpRequest) -> HttpResponse:
    return render(request, "training/hosts.html", {"rows": queries.host_rows(request.user), "table": "hosts"})


def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    found = Cohort.objects.visible_to(request.user).select_related("programme", "host").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such cohort, or not visible to you."))
    return render(request, "training/cohort.html", {"cohort": found})


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    if not (actor.is_coordinator or actor.role == "editor"):
        raise PermissionDenied(
            _("Cohorts are recorded by the host nation's editors, NSATU's and coordinators.")
        )
    m = membership_of(request.user)

    def act(v: dict[str, Any]) -> str:
        nations = [c.strip() for c in v["releasable_nations"].replace(";", ",").split(",") if c.strip()]
        c = services.do_record_cohort(
            actor,
            v["programme"],
            v["host"],
            v["specialty"],
            v["starts_on"],
            v["ends_on"],
            v["trainees"],
            v["releasable_to"],
            nations,
        )
        return c.get_absolute_url()

    initial = {
        "host": m.nation_id if m and m.nation_id else "",
        "programme": request.GET.get("programme", ""),
    }
    return form_page(
        request,
        CohortForm(request.POST or None, initial=initial),
        act,
        title=_("Record a training cohort"),
        submit=_("Record the cohort"),
    )


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in queries.TABLES or fmt not in ("csv", "json"):
        raise Http404(_("No such table or format."))
    return export_response(
        queries.table_rows(request.user, table),
        queries.TABLES[table],
        fmt,
        f"veille-training-{table}",
        {**council.files_meta(), "table": table},
    )
