"""The alerts' pages of the Arctic picture: a user's rules and alerts, deleting a rule,
acknowledging an alert, and the server-sent event stream of open pages
(:mod:`veille.arctic.alerts`). Alerts belong to their user; every write goes through
:mod:`veille.arctic.services`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veille.arctic import alerts as alerts_module
from veille.arctic import layers, services, stream_slots
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


#: the longest a stream runs before the browser reconnects (``max_seconds`` above it is cut to it)
MAX_STREAM_S = 600.0


def _stream_params(request: HttpRequest) -> tuple[int, float]:
    """``last`` (the ``Last-Event-ID`` header or the query's ``last``) and ``max_seconds`` (default
    120, cut to :data:`MAX_STREAM_S`); an :class:`InvalidInput` naming the parameter otherwise."""
    raw_last = request.headers.get("Last-Event-ID") or request.GET.get("last") or "0"
    try:
        last = int(raw_last)
    except ValueError:
        raise InvalidInput(
            _("must be a whole number (the id of the last alert received)"), field="last"
        ) from None
    if last < 0:
        raise InvalidInput(_("must be a whole number (the id of the last alert received)"), field="last")
    raw = request.GET.get("max_seconds", "")
    try:
        seconds = float(raw) if raw.strip() else 120.0
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidInput(
            _("must be a number of seconds, 0 or more (at most %(n)d are used)") % {"n": MAX_STREAM_S},
            field="max_seconds",
        )
    return last, min(seconds, MAX_STREAM_S)


async def _released_after(chunks: AsyncIterator[str], slot: stream_slots.Slot) -> AsyncIterator[str]:
    try:
        async for chunk in chunks:
            yield chunk
    finally:
        slot.release()


def _released_after_sync(chunks: Iterator[str], slot: stream_slots.Slot) -> Iterator[str]:
    try:
        yield from chunks
    finally:
        slot.release()


class _StreamResponse(StreamingHttpResponse):
    """Gives the stream's slot back when closed, also when closed before its content was read (a
    client gone at once)."""

    slot: stream_slots.Slot | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.slot is not None:
                self.slot.release()


async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events for the open page: the user's alerts and the activities they may see.

    An async view: under the ASGI server an open stream waits on the event loop and holds no worker
    thread; each user may have ``VEILLE_STREAMS_PER_USER`` streams open (429 beyond), each process
    ``VEILLE_STREAMS_MAX`` (503 beyond). Under a WSGI server (``veille runserver``, the test client)
    the same events come from the thread that serves the request."""
    user = await request.auser()
    if not user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={reverse('arctic:index')}")
    try:
        last, limit = _stream_params(request)
    except InvalidInput as exc:
        return JsonResponse({"error": exc.as_dict()}, status=400)
    try:
        slot = await sync_to_async(stream_slots.acquire, thread_sensitive=False)(int(user.pk))
    except VeilleError as exc:
        refused = _error_json(exc)
        refused["Retry-After"] = "10"
        return refused
    content: Any
    if isinstance(request, ASGIRequest):
        content = _released_after(alerts_module.astream(user, last, limit, translation.get_language()), slot)
    else:
        content = _released_after_sync(
            alerts_module.stream(user, last, limit, translation.get_language()), slot
        )
    response = _StreamResponse(content, content_type="text/event-stream; charset=utf-8")
    response.slot = slot
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
