"""The alerts' pages of the Arctic picture: a user's rules and alerts, deleting a rule,
acknowledging an alert, and the server-sent event stream of open pages
(:mod:`veille.arctic.alerts`). Alerts belong to their user; every write goes through
:mod:`veille.arctic.services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veille.arctic import alerts as alerts_module
from veille.arctic import layers, services
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
            rule = services.do_add_rule(
                Actor.from_request(request),
                request.POST.get("zone", ""),
                request.POST.get("flag", ""),
                request.POST.get("event_type", ""),
            )
            messages.success(
                request,
                _(
                    "Rule added. It matches the events that come from now on; to match the events "
                    "already stored, choose a window below."
                ),
            )
            return redirect(f"{reverse('arctic:alerts')}?rule={rule.pk}#stored")
        except VeilleError as exc:
            error, status = str(exc), exc.http_status
    return _alerts_page(request, can_add_rules, error, status)


def _default_window() -> tuple[dt.date, dt.date]:
    """The stored events' last 30 days (those of the AIS store's extent), or the last 30 days."""
    _first, last = layers.store_extent()
    end = last.date() if last else dt.date.today()
    return end - dt.timedelta(days=30), end


def _alerts_page(
    request: HttpRequest,
    can_add_rules: bool,
    error: str | None = None,
    status: int = 200,
    stored: dict[str, Any] | None = None,
) -> HttpResponse:
    zones, types = zone_names(), event_labels()
    rules = list(AlertRule.objects.filter(user_id=int(request.user.pk or 0)))
    alert_list = list(Alert.objects.filter(user_id=int(request.user.pk or 0))[:200])
    shown: list[Any] = [*rules, *alert_list]  # given names to read; the ids stay in the data
    for item in shown:
        item.zone_name = zones.get(item.zone, item.zone)
        item.event_label = types.get(item.event_type, item.event_type)
    since, until = _default_window()
    chosen = (stored or {}).get("rule") or request.GET.get("rule") or (rules[-1].pk if rules else "")
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
        "stored": {"rule": str(chosen), "since": since.isoformat(), "until": until.isoformat()}
        | (stored or {}),
        "live": alerts_module.live_panel(),
    }
    return render(request, "arctic/alerts.html", context, status=status)


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@require_POST
@login_required
def raise_stored(request: HttpRequest) -> HttpResponse:
    """Match one of the user's rules against the events already stored in a window of days."""
    actor = Actor.from_request(request)
    form = {k: request.POST.get(k, "") for k in ("rule", "since", "until")}
    try:
        rule_id = int(form["rule"] or 0)
        since, until = _day(form["since"]), _day(form["until"])
        if form["since"].strip() and since is None:
            raise InvalidInput(f"{form['since']!r} is not a day (YYYY-MM-DD)", field="since")
        if form["until"].strip() and until is None:
            raise InvalidInput(f"{form['until']!r} is not a day (YYYY-MM-DD)", field="until")
        matched, created = services.do_raise_stored_alerts(actor, rule_id, since, until)
    except ValueError:
        return _alerts_page(request, actor.membership is not None, _("Choose one of your rules."), 422, form)
    except VeilleError as exc:
        return _alerts_page(request, actor.membership is not None, str(exc), exc.http_status, form)
    messages.success(
        request,
        _(
            "Stored events from %(since)s to %(until)s that match the rule: %(matched)s; "
            "new alerts: %(created)s."
        )
        % {"matched": matched, "since": since, "until": until, "created": created},
    )
    return redirect("arctic:alerts")


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
        alerts_module.stream(request.user, last, limit, translation.get_language()),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
