"""The Council's forms: record a meeting (coordinators), a decision (coordinators), task an action
(coordinators), attach evidence (the owner body's editors). Each posts to a service; a refused write
shows the service's named error beside the field it names, with the error's status, and writes
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from veille.core.errors import VeilleError
from veille.council import services
from veille.council.bodies import body_label
from veille.council.forms import ActionForm, DecisionForm, EvidenceForm, MeetingForm, show_error
from veille.council.models import Action, Decision, Meeting
from veille.council.rights import is_body_editor
from veille.nations.access import Actor


def form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], str],
    *,
    title: str,
    submit: str,
    lead: str = "",
) -> HttpResponse:
    """GET shows the form; a valid POST calls ``act`` (a service call returning where to go)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(act(form.cleaned_data))
        except VeilleError as exc:
            show_error(form, exc)
            status = exc.http_status
    elif request.method == "POST":
        status = 400
    context = {"form": form, "title": title, "submit": submit, "lead": lead}
    return render(request, "council/form.html", context, status=status)


def _coordinator(request: HttpRequest) -> Actor:
    actor = Actor.from_request(request)
    if not actor.is_coordinator:
        raise PermissionDenied(_("Only coordinators record the Council's meetings, decisions and actions."))
    return actor


def _nations(value: str) -> list[str]:
    return [c.strip() for c in value.replace(";", ",").split(",") if c.strip()]


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request)

    def act(v: dict[str, Any]) -> str:
        data = services.MeetingData(
            **{k: v[k] for k in ("date", "level", "chair", "occasion", "location", "topics", "statement")},
            requested_by_ukraine=v["requested_by_ukraine"],
            source_title=v["source_title"],
            source_url=v["source_url"],
            releasable_to=v["releasable_to"],
            releasable_nations=_nations(v["releasable_nations"]),
        )
        return services.do_record_meeting(actor, data).get_absolute_url()

    form = MeetingForm(request.POST or None, initial={"date": timezone.localdate().isoformat()})
    return form_page(request, form, act, title=_("Record a Council meeting"), submit=_("Record the meeting"))


@login_required
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    meeting = Meeting.objects.visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No such meeting, or not visible to you."))

    def act(v: dict[str, Any]) -> str:
        data = services.DecisionData(
            text=v["text"],
            owner_text=v["owner_text"],
            due_text=v["due_text"],
            source_title=v["source_title"],
            source_url=v["source_url"],
            releasable_to=v["releasable_to"],
            releasable_nations=_nations(v["releasable_nations"]),
        )
        return services.do_record_decision(actor, meeting.pk, data).get_absolute_url()

    title = _("Record a decision of the meeting of %(date)s") % {"date": meeting.date.isoformat()}
    return form_page(
        request, DecisionForm(request.POST or None), act, title=title, submit=_("Record the decision")
    )


@login_required
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    decision = Decision.objects.visible_to(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404(_("No such decision, or not visible to you."))

    def act(v: dict[str, Any]) -> str:
        action = services.do_task_action(
            actor,
            decision.pk,
            v["title"],
            v["owner"],
            v["due"],
            releasable_to=v["releasable_to"],
            releasable_nations=_nations(v["releasable_nations"]),
            note=v["note"],
        )
        return action.get_absolute_url()

    return form_page(
        request,
        ActionForm(request.POST or None, initial={"owner": "NSATU"}),
        act,
        title=_("Task an action: %(decision)s") % {"decision": decision.text[:120]},
        submit=_("Task the action"),
    )


@login_required
def evidence_new(request: HttpRequest, pk: int) -> HttpResponse:
    action = Action.objects.visible_to(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404(_("No such action, or not visible to you."))
    actor = Actor.from_request(request)
    if not is_body_editor(actor, action.owner):
        raise PermissionDenied(
            _("Only editors of %(body)s attach evidence to its actions.") % {"body": action.owner}
        )

    def act(v: dict[str, Any]) -> str:
        data = services.EvidenceData(
            day=v["day"],
            completes=v["completes"],
            note=v["note"],
            url=v["url"],
            record_type=v["record_type"],
            record_id=v["record_id"],
        )
        services.do_attach_evidence(actor, action.pk, data)
        return action.get_absolute_url()

    form = EvidenceForm(request.POST or None, initial={"day": timezone.localdate().isoformat()})
    return form_page(
        request,
        form,
        act,
        title=_("Evidence for: %(action)s") % {"action": action.title},
        submit=_("Attach the evidence"),
        lead=_("Tasked to %(body)s, due %(due)s.") % {"body": body_label(action.owner), "due": action.due},
    )
