"""The alerts' pages of the Arctic picture: a user's rules and alerts, deleting a rule,
acknowledging an alert, and the server-sent event stream of open pages
(:mod:`veille.arctic.alerts`). Alerts belong to their user; every write goes through
:mod:`veille.arctic.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veille.arctic import alerts as alerts_module
from veille.arctic import services
from veille.arctic.models import Alert, AlertRule
from veille.arctic.views import _error_json, event_labels, zone_names
from veille.core.errors import InvalidInput, VeilleError
from veille.nations.access import Actor


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """The user's rules and alerts. Rules belong to members (a nation's users, NATO staff): a user
    without membership gets no rule form (``can_add_rules``), only the sentence saying why."""
    error, status = None, 200
    can_add_rules = Actor.from_request(request).membership is not None
    if request.method == "POST":
        try:
            services.do_add_rule(
                Actor.from_request(request),
                request.POST.get("zone", ""),
                request.POST.get("flag", ""),
                request.POST.get("event_type", ""),
            )
            messages.success(request, _("Rule added."))
            return redirect("arctic:alerts")
        except VeilleError as exc:
            error, status = str(exc), exc.http_status
    zones, types = zone_names(), event_labels()
    rules = list(AlertRule.objects.filter(user_id=int(request.user.pk or 0)))
    alert_list = list(Alert.objects.filter(user_id=int(request.user.pk or 0))[:200])
    shown: list[Any] = [*rules, *alert_list]  # given names to read; the ids stay in the data
    for item in shown:
        item.zone_name = zones.get(item.zone, item.zone)
        item.event_label = types.get(item.event_type, item.event_type)
    context = {
        "rules": rules,
        "alerts": alert_list,
        "zones": list(zones.items()),
        "event_types": list(types.items()),
        "error": error,
        "can_add_rules": can_add_rules,
        "no_rules_reason": None
        if can_add_rules
        else _(
            "Alert rules belong to the users of a nation and to NATO staff; your account has no "
            "membership, so you cannot add one. An administrator can give you one."
        ),
    }
    return render(request, "arctic/alerts.html", context, status=status)


@require_POST
@login_required
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.do_delete_rule(Actor.from_request(request), pk)
    except VeilleError as exc:
        raise Http404(str(exc)) from exc
    return redirect("arctic:alerts")


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alert = services.do_acknowledge(Actor.from_request(request), pk)
    except VeilleError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return _error_json(exc)
        raise Http404(str(exc)) from exc
    if request.headers.get("Accept", "").startswith("application/json"):
        acked = alert.acknowledged_at.isoformat() if alert.acknowledged_at else None
        return JsonResponse({"id": alert.pk, "acknowledged_at": acked})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/arctic/") else reverse("arctic:alerts"))


def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events for the open page: the user's alerts and the activities they may see."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={reverse('arctic:index')}")
    try:
        last = int(request.headers.get("Last-Event-ID") or request.GET.get("last") or 0)
        limit = min(max(float(request.GET.get("max_seconds", 120)), 0.0), 600.0)
    except ValueError:
        return _error_json(InvalidInput("last and max_seconds must be numbers", field="max_seconds"))
    response = StreamingHttpResponse(
        alerts_module.stream(request.user, last, limit), content_type="text/event-stream; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
