"""Pages of lessons learned: the lessons, the search, observations, one record with its cycle and
the step its reader may take, the forms of each step, public summaries, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veille.core.errors import VeilleError
from veille.council import queries as council_queries
from veille.council.bodies import body_label
from veille.council.write_views import form_page
from veille.kit.exports import export_response
from veille.lessons import cycle, queries, services
from veille.lessons.forms import (
    AnalyseForm,
    IdentifyForm,
    NoteForm,
    ObservationForm,
    SearchForm,
    SummaryForm,
    TaskForm,
)
from veille.lessons.models import CycleStep, Lesson, Observation, PublicSummary, Stage
from veille.lessons.rights import may_take
from veille.lessons.search import search as run_search
from veille.nations.access import Actor, membership_of

STEP_TITLES = {
    "analyse": gettext_lazy("Analyse the observation"),
    "identify": gettext_lazy("Identify a lesson"),
    "task": gettext_lazy("Task the remedial action"),
    "implement": gettext_lazy("Declare the remedial action implemented"),
    "validate": gettext_lazy("Validate the implementation"),
    "learn": gettext_lazy("Declare the lesson learned"),
}


def index(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    context = {
        "lessons": [queries.lesson_row(x) for x in queries.lessons(request.user)],
        "awaiting": queries.awaiting(request.user),
        "ageing": queries.ageing(request.user) if actor.user is not None and actor.is_coordinator else [],
        "ageing_days": queries.AGEING_DAYS,
        "form": SearchForm(),
        "may_observe": actor.user is not None and (actor.is_coordinator or actor.role == "editor"),
        "summaries": PublicSummary.objects.count(),
        "table": "lessons",
    }
    return render(request, "lessons/index.html", context)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result, error, status = None, None, 200
    if form.is_valid() and form.cleaned_data["q"]:
        kind = form.cleaned_data["kind"]
        try:
            result = run_search(
                request.user,
                form.cleaned_data["q"],
                kinds=[kind] if kind else None,
                domain=form.cleaned_data["domain"] or None,
                limit=50,
            )
        except VeilleError as exc:
            error, status = exc, exc.http_status
    return render(
        request, "lessons/search.html", {"form": form, "result": result, "error": error}, status=status
    )


def observations(request: HttpRequest) -> HttpResponse:
    rows = [queries.observation_row(o) for o in queries.observations(request.user)[:1000]]
    return render(request, "lessons/observations.html", {"observations": rows, "table": "observations"})


def _observation(request: HttpRequest, pk: int) -> Observation:
    found = queries.observations(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such observation, or not visible to you."))
    return found


def _lesson(request: HttpRequest, pk: int) -> Lesson:
    found = queries.lessons(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such lesson, or not visible to you."))
    return found


def _my_step(request: HttpRequest, stage: str, owner: str | None = None) -> str | None:
    step = cycle.next_step(stage)
    actor = Actor.from_request(request)
    return step if step and actor.user is not None and may_take(actor, step, owner) else None


def observation(request: HttpRequest, pk: int) -> HttpResponse:
    found = _observation(request, pk)
    step = _my_step(request, found.stage) if found.stage in (cycle.OBSERVED, cycle.ANALYSED) else None
    context = {
        "o": found,
        "row": queries.observation_row(found),
        "trail": CycleStep.objects.filter(observation=found),
        "my_step": step,
        "step_title": STEP_TITLES.get(step or "", ""),
        "lesson": queries.lessons(request.user).filter(pk=found.lesson_id).first()
        if found.lesson_id
        else None,
    }
    return render(request, "lessons/observation.html", context)


def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lesson(request, pk)
    owner = found.action.owner if found.action else None
    actor = Actor.from_request(request)
    action_row = council_queries.actions(request.user, ids=[found.action_id]) if found.action_id else []
    context = {
        "lesson": found,
        "row": queries.lesson_row(found),
        "stages": [
            (Stage(s).label, s == found.stage, cycle.STAGES.index(s) <= cycle.STAGES.index(found.stage))
            for s in cycle.STAGES
        ],
        "trail": CycleStep.objects.filter(Q(lesson=found) | Q(observation__lesson=found)),
        "my_step": _my_step(request, found.stage, owner),
        "step_title": STEP_TITLES.get(cycle.next_step(found.stage) or "", ""),
        "action": action_row[0] if action_row else None,
        "owner_name": body_label(owner) if owner else "",
        "observations": queries.observations(request.user).filter(lesson=found),
        "summary": getattr(found, "public_summary", None),
        "may_release": actor.user is not None and actor.is_coordinator,
    }
    return render(request, "lessons/lesson.html", context)


@login_required
def observation_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    if not (actor.is_coordinator or actor.role == "editor"):
        raise PermissionDenied(_("Observations are recorded by a nation's editors and by coordinators."))
    m = membership_of(request.user)

    def act(v: dict[str, Any]) -> str:
        nations = [c.strip() for c in v["releasable_nations"].replace(";", ",").split(",") if c.strip()]
        obs = services.do_record_observation(
            actor,
            v["nation"],
            v["title"],
            v["text"],
            v["domains"],
            v["observed_on"],
            v["releasable_to"],
            nations,
        )
        return obs.get_absolute_url()

    initial = {
        "observed_on": timezone.localdate().isoformat(),
        "nation": m.nation_id if m and m.nation_id else "",
    }
    return form_page(
        request,
        ObservationForm(request.POST or None, initial=initial),
        act,
        title=_("Record an observation"),
        submit=_("Record the observation"),
    )


@login_required
def observation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = _observation(request, pk)
    if step not in cycle.OBSERVATION_STEPS:
        raise Http404(_("No such step."))
    actor = Actor.from_request(request)
    form: forms.Form
    if step == "analyse":
        form = AnalyseForm(request.POST or None)

        def act(v: dict[str, Any]) -> str:
            return services.do_analyse(actor, found.pk, v["analysis"]).get_absolute_url()

    else:
        form = IdentifyForm(
            request.POST or None, initial={"title": found.title, "domains": found.domain_list}
        )

        def act(v: dict[str, Any]) -> str:
            nations = [c.strip() for c in v["releasable_nations"].replace(";", ",").split(",") if c.strip()]
            return services.do_identify(
                actor,
                found.pk,
                v["title"],
                v["text"],
                domains=v["domains"],
                releasable_to=v["releasable_to"],
                releasable_nations=nations,
            ).get_absolute_url()

    return form_page(
        request, form, act, title=str(STEP_TITLES[step]), submit=str(STEP_TITLES[step]), lead=found.title
    )


@login_required
def lesson_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = _lesson(request, pk)
    if step not in cycle.LESSON_STEPS:
        raise Http404(_("No such step."))
    actor = Actor.from_request(request)
    form: forms.Form = (
        TaskForm(request.POST or None, initial={"owner": "NSATU"})
        if step == "task"
        else NoteForm(request.POST or None)
    )

    def act(v: dict[str, Any]) -> str:
        return services.do_step(actor, found.pk, step, **v).get_absolute_url()

    return form_page(
        request, form, act, title=str(STEP_TITLES[step]), submit=str(STEP_TITLES[step]), lead=found.title
    )


@login_required
def summary_new(request: HttpRequest, pk: int) -> HttpResponse:
    found = _lesson(request, pk)
    actor = Actor.from_request(request)

    def act(v: dict[str, Any]) -> str:
        services.do_release_summary(actor, found.pk, v["title"], v["text"])
        return found.get_absolute_url()

    return form_page(
        request,
        SummaryForm(request.POST or None),
        act,
        title=_("Release a public summary"),
        submit=_("Release the summary"),
        lead=_("The summary is public; the lesson keeps its own releasability."),
    )


def summaries(request: HttpRequest) -> HttpResponse:
    return render(
        request, "lessons/summaries.html", {"summaries": PublicSummary.objects.all(), "table": "summaries"}
    )


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in queries.TABLES or fmt not in ("csv", "json"):
        raise Http404(_("No such table or format."))
    meta = {
        "table": table,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "note": "records you may see (releasability applies)",
    }
    return export_response(
        queries.table_rows(request.user, table), queries.TABLES[table], fmt, f"veille-lessons-{table}", meta
    )
