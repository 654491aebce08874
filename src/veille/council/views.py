"""The Council's reading pages: meetings, a meeting, decisions, a decision, actions (with their
derived status), an action with its evidence, milestones, notifications, exports. The forms are in
:mod:`veille.council.write_views`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from veille.core.actions import STATUSES
from veille.council import queries
from veille.council.bodies import body_label, owner_choices
from veille.council.models import Action, Milestone
from veille.council.rights import is_body_editor
from veille.council.services import notifications as notify
from veille.kit.exports import export_response
from veille.nations.access import Actor
from veille.notices.queries import for_user, history


def can(request: HttpRequest) -> dict[str, bool]:
    actor = Actor.from_request(request)
    return {"coordinate": actor.user is not None and actor.is_coordinator}


def index(request: HttpRequest) -> HttpResponse:
    rows = [queries.meeting_row(m) for m in queries.meetings(request.user)]
    context = {
        "meetings": rows,
        "emergency": sum(1 for r in rows if r["requested_by_ukraine"]),
        "can": can(request),
        "table": "meetings",
    }
    return render(request, "council/index.html", context)


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.meetings(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such meeting, or not visible to you."))
    context = {
        "meeting": found,
        "sources": found.sources.all(),
        "decisions": [queries.decision_row(d) for d in queries.decisions(request.user).filter(meeting=found)],
        "can": can(request),
    }
    return render(request, "council/meeting.html", context)


def decisions(request: HttpRequest) -> HttpResponse:
    rows = [queries.decision_row(d) for d in queries.decisions(request.user)]
    return render(request, "council/decisions.html", {"decisions": rows, "table": "decisions"})


def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.decisions(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such decision, or not visible to you."))
    row = queries.decision_row(found)
    links = queries.references(row["references"], request.user)
    context = {
        "decision": found,
        "row": row,
        "references": [(k, links.get(k, "")) for k in row["references"]],
        "actions": queries.actions(request.user, ids=found.actions.values_list("pk", flat=True)),
        "can": can(request),
    }
    return render(request, "council/decision.html", context)


def actions(request: HttpRequest) -> HttpResponse:
    owner = request.GET.get("owner", "").strip().upper()
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    rows = queries.actions(request.user, owner=owner or None, status=status or None)
    context = {
        "actions": rows,
        "owner": owner,
        "status": status,
        "statuses": [(s, queries.STATUS_LABELS[s]) for s in STATUSES],
        "owners": owner_choices(),
        "counts": queries.status_counts(queries.actions(request.user, owner=owner or None)),
        "table": "actions",
        "query": request.GET.urlencode(),
    }
    return render(request, "council/actions.html", context)


def action(request: HttpRequest, pk: int) -> HttpResponse:
    found = Action.objects.visible_to(request.user).select_related("decision").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such action, or not visible to you."))
    actor = Actor.from_request(request)
    context = {
        "action": found,
        "row": queries.action_row(found),
        "evidence": queries.evidence_rows(request.user, found),
        "owner_name": body_label(found.owner),
        "lesson": queries.lesson_of(found),
        "may_attach": actor.user is not None and is_body_editor(actor, found.owner),
    }
    return render(request, "council/action.html", context)


def milestones(request: HttpRequest) -> HttpResponse:
    rows = [queries.milestone_row(m) for m in Milestone.objects.all()]
    return render(request, "council/milestones.html", {"milestones": rows, "table": "milestones"})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notify.do_mark_read(Actor.from_request(request))
        return redirect("council:notifications")
    context = {
        "mine": for_user(request.user, app=notify.APP),
        "notes": history(request.user, app=notify.APP),
    }
    return render(request, "council/notifications.html", context)


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in queries.TABLES or fmt not in ("csv", "json"):
        raise Http404(_("No such table or format."))
    rows: list[dict[str, Any]] = queries.table_rows(request.user, table)
    meta = {**queries.files_meta(), "table": table}
    return export_response(rows, queries.TABLES[table], fmt, f"veille-council-{table}", meta)
