"""Pages of the Arctic picture: the map and timeline, an activity and the editors' form, coverage,
deconfliction; GeoJSON layers and exports. The alerts' pages and stream are in
:mod:`veille.arctic.views_alerts`. Every read of activities goes through ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from veille.arctic import coverage as cov
from veille.arctic import layers, layers_fast, queries, services
from veille.arctic.alerts import live_panel
from veille.arctic.forms import ActivityForm
from veille.arctic.geo import ARCTIC_BBOX, AreaError, parse_bbox
from veille.arctic.models import LAST_DAY, Activity, Domain, Kind
from veille.core.errors import InvalidInput, VeilleError
from veille.core.events.schema import EVENT_TYPES
from veille.core.geo import BBox
from veille.kit.exports import dumps, export_response
from veille.maritime.event_files import event_records
from veille.nations.access import Actor, membership_of, sees_everything
from veille.nations.models import Nation, Role

LAYERS = ("land", "countries", "activities", "zones", "cables", "landings", "vessels", "tracks", "events")
SENTRY_LAUNCH = {
    "date": dt.date(2026, 2, 11),
    "command": "Joint Force Command Norfolk",
    "sources": [
        "https://www.nato.int/en/what-we-do/deterrence-and-defence/arctic-security",
        "https://www.trtworld.com:443/article/6d0b8bbb2f02",
    ],
}


def _bbox_text(text: str | None) -> BBox | None:
    """A query's ``bbox``; a bad one is refused as every bad query value is (``InvalidInput``: the
    project's error body, code ``invalid``, HTTP 422)."""
    try:
        return parse_bbox(text or None)
    except AreaError as exc:
        raise InvalidInput(str(exc), field="bbox") from exc


def _bbox(request: HttpRequest) -> BBox | None:
    return _bbox_text(request.GET.get("bbox"))


def _geojson(data: dict[str, Any] | bytes) -> HttpResponse:
    body = data if isinstance(data, bytes) else dumps(data).encode()
    return HttpResponse(body, content_type="application/geo+json")


def _error_json(exc: VeilleError) -> JsonResponse:
    return JsonResponse({"error": exc.as_dict()}, status=exc.http_status)


def layer_data(request: HttpRequest, name: str) -> dict[str, Any] | bytes:
    """One layer for ``request.user``, with ``bbox``, ``since`` and ``until`` filters."""
    bbox = _bbox(request)
    g = request.GET
    if name in ("land", "countries"):
        return layers.basemap_bytes(name)
    if name == "zones":
        return layers.map_zones(bbox or ARCTIC_BBOX)
    if name == "cables":
        return layers.cables(bbox or ARCTIC_BBOX)
    if name == "landings":
        return layers.landing_points(bbox or ARCTIC_BBOX)
    if name == "activities":
        since_day, until_day = queries.day_window(g)
        qs = queries.activities(
            request.user,
            bbox=bbox,
            since=since_day,
            until=until_day,
            nation=queries.parse_nation(g.get("nation")),
            kind=queries.parse_kind(g.get("kind")),
        )
        data = queries.activity_features(qs)
        for f in data["features"]:
            p = f["properties"]
            start = p.get("shown_from")
            p["t0"] = _ms(dt.date.fromisoformat(start)) if start else None
            end = dt.date.fromisoformat(p["ends_on"]) if p.get("ends_on") else None
            # (the day after the last drawn one: a record written before dates were checked may end in 9999)
            p["t1"] = _ms(min(end, LAST_DAY) + dt.timedelta(days=1)) if end else None
        return data
    since, until = queries.time_window(g)
    allies = queries.allies()
    if name == "vessels":
        return layers_fast.vessels(bbox or ARCTIC_BBOX, allies, since, until)
    if name == "tracks":
        return layers_fast.tracks(bbox or ARCTIC_BBOX, allies, since, until)
    if name == "events":
        types = event_types(g.get("types"))
        found = event_records(layers.ais_store().root, bbox or ARCTIC_BBOX, since, until, types)
        data = layers.event_features(found, allies)
        for f in data["features"]:
            p = f["properties"]
            p["t0"] = _ms_iso(p["start"])
            p["t1"] = _ms_iso(p["end"]) if p.get("end") else p["t0"]
        return data
    raise Http404(f"no layer {name}")


def event_types(text: str | None) -> tuple[str, ...] | None:
    """``types=gap,encounter``: each must be one of the detectors' types (none given: all)."""
    types = tuple(t.strip() for t in (text or "").split(",") if t.strip())
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"unknown event type(s) {', '.join(unknown)}: the types are {', '.join(EVENT_TYPES)}",
            field="types",
        )
    return types or None


def _ms_iso(text: str | None) -> int | None:
    if not text:
        return None
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000)


def layer(request: HttpRequest, name: str) -> HttpResponse:
    if name not in LAYERS:
        raise Http404(f"no layer {name}")
    try:
        return _geojson(layer_data(request, name))
    except VeilleError as exc:
        return _error_json(exc)


STORE_SPAN = dt.timedelta(days=60)

# --- names for reading: the pages show these, the exports and the API keep the ids ------------------

EVENT_LABELS = {
    "gap": gettext_lazy("AIS gap"),
    "encounter": gettext_lazy("Encounter"),
    "loitering": gettext_lazy("Loitering"),
    "zone_entry": gettext_lazy("Zone entry"),
    "zone_exit": gettext_lazy("Zone exit"),
    "cable": gettext_lazy("Slow near a cable"),
    "identity_change": gettext_lazy("Identity change"),
    "position_jump": gettext_lazy("Position jump"),
    "shared_mmsi": gettext_lazy("Shared MMSI"),
}


def event_labels() -> dict[str, str]:
    """Each detector's event type and its label in the reader's language (the type when none)."""
    return {t: str(EVENT_LABELS.get(t, t)) for t in EVENT_TYPES}


#: the shipped zones' names (data/zones/*.geojson), in the reader's language; a zone file added
#: later is named as its file names it
ZONE_NAMES = {
    "arctic_circle": gettext_lazy("Arctic Circle (north of 66.5° N)"),
    "barents_sea": gettext_lazy("Barents Sea"),
    "bering_strait": gettext_lazy("Bering Strait"),
    "giuk_gap": gettext_lazy("Greenland-Iceland-UK gap"),
    "greenland_waters": gettext_lazy("Greenland's waters (200 nm envelope)"),
    "jan_mayen": gettext_lazy("Jan Mayen waters"),
    "svalbard": gettext_lazy("Svalbard (Treaty area)"),
}


def cable_notice() -> str:
    """The cable layer's licence notice in the reader's language (the layer's own metadata keep
    layers.CABLE_NOTICE); the licence's name is a name, not text to translate."""
    notice = _(
        "Submarine cable data © TeleGeography (submarinecablemap.com), %(licence)s: non-commercial use, "
        "attribution, share-alike."
    )
    return mark_safe(  # noqa: S308 - the notice is escaped, the licence's name is a constant
        conditional_escape(notice) % {"licence": '<span translate="no">CC BY-NC-SA 3.0</span>'}
    )


def zone_names() -> dict[str, str]:
    """Each zone's id and its name in the reader's language: the shipped zones' translated names,
    otherwise the name its file gives (the id when it gives none)."""
    return {
        f["properties"]["id"]: str(
            ZONE_NAMES.get(f["properties"]["id"]) or f["properties"].get("name") or f["properties"]["id"]
        )
        for f in layers.zones()["features"]
    }


def labels() -> dict[str, dict[str, str]]:
    """What map.js shows in place of ids (``json_script``: the page runs no inline script)."""
    return {"zones": zone_names(), "events": event_labels()}


def _time_range(rows: list[dict[str, Any]]) -> dict[str, int]:
    """The slider's range: the activities' bars and the AIS store's extent, in ms since 1970."""
    points = []
    for r in rows:
        points += [_ms(dt.date.fromisoformat(r["start"])), _ms(dt.date.fromisoformat(r["end"]))]
    first, last = layers.store_extent()
    if first is not None and last is not None:
        # the store's last weeks: a capture from years ago would squeeze the activities into a sliver
        # (older positions stay reachable through the layers' since/until)
        points += [int(max(first, last - STORE_SPAN).timestamp() * 1000), int(last.timestamp() * 1000)]
    if not points:
        today = _ms(dt.date.today())
        points = [today - 86_400_000 * 30, today]
    lo, hi = min(points), max(points)
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    value = (last and int(last.timestamp() * 1000)) or min(max(now, lo), hi)
    return {"min": lo, "max": max(hi, lo + 3_600_000), "value": value}


def index(request: HttpRequest) -> HttpResponse:
    qs = queries.activities(request.user)
    acts = list(qs)
    timeline = queries.timeline_rows(qs)
    rng = _time_range(timeline)
    first, last = layers.store_extent()
    context = {
        "activities": [queries.activity_row(a) | {"obj": a} for a in acts],
        "timeline": timeline,
        "range": rng,
        "sentry": SENTRY_LAUNCH,
        "layers_url": reverse("arctic:layer", args=["land"]).rsplit("/", 1)[0] + "/",
        "ais": {"first": first, "last": last},
        "overlaps": len(queries.deconfliction(request.user)),
        "coordinator": sees_everything(request.user),
        "kinds": Kind.choices,
        "cable_notice": cable_notice(),
        "zones_loaded": bool(layers.zone_files()),
        "labels": labels(),
        "live": live_panel() if request.user.is_authenticated else None,
    }
    return render(request, "arctic/index.html", context)


def _may_change(user: Any, a: Activity) -> bool:
    """Whether ``user`` may change the activity (the service decides again): coordinators, and the
    editors of its nation."""
    if sees_everything(user):
        return True
    m = membership_of(user)
    return bool(m and m.role == Role.EDITOR and a.owner_nation_id and m.nation_id == a.owner_nation_id)


def _of_its_nation(user: Any, a: Activity) -> bool:
    """The users told of the activity's overlaps: its nation's users, and coordinators."""
    if sees_everything(user):
        return True
    m = membership_of(user)
    return bool(m and a.owner_nation_id and m.nation_id == a.owner_nation_id)


def activity(request: HttpRequest, pk: int) -> HttpResponse:
    a = Activity.objects.visible_to(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404(_("No such activity, or not one you may see."))
    codes = a.participant_codes + a.releasable_nation_codes
    names = dict(Nation.objects.filter(code__in=codes).values_list("code", "name"))
    overlaps, hidden = queries.overlaps_of(request.user, a) if _of_its_nation(request.user, a) else ([], 0)
    return render(
        request,
        "arctic/activity.html",
        {
            "a": a,
            "coordinator": sees_everything(request.user),
            "may_change": _may_change(request.user, a),
            "overlaps": overlaps,
            "hidden_overlaps": hidden,
            # for reading: the domains' names and the nations' names (the exports keep the codes)
            "domains": ", ".join(str(Domain(d).label) for d in a.domains if d in Domain.values),
            "participants": ", ".join(names.get(c, c) for c in a.participant_codes),
            "releasable_nations": ", ".join(names.get(c, c) for c in a.releasable_nation_codes),
        },
    )


def _not_an_editor(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "title": _("Not allowed"),
            "message": _("Only a nation's editors and coordinators record activities."),
        },
        status=403,
    )


def _form_page(
    request: HttpRequest, form: ActivityForm, status: int, a: Activity | None = None
) -> HttpResponse:
    return render(
        request,
        "arctic/activity_form.html",
        {"form": form, "a": a, "layers_url": reverse("arctic:layer", args=["land"]).rsplit("/", 1)[0] + "/"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_activity(request: HttpRequest) -> HttpResponse:
    """The editors' form (:class:`veille.arctic.forms.ActivityForm`); it records through the service,
    never changing an existing record (``create_only``)."""
    m = membership_of(request.user)
    if not sees_everything(request.user) and (m is None or m.role != Role.EDITOR or m.nation_id is None):
        return _not_an_editor(request)
    form = ActivityForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity, _what = services.do_record_activity(
                    Actor.from_request(request), form.to_new_activity(), create_only=True
                )
            except VeilleError as exc:
                form.add_service_error(exc)
            else:
                return redirect("arctic:activity", pk=activity.pk)
        status = 422
    return _form_page(request, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """The same form for an activity the user may change; it keeps the activity's key, so the
    service updates it (audited, before and after)."""
    a = Activity.objects.visible_to(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404(_("No such activity, or not one you may see."))
    if not _may_change(request.user, a):
        return _not_an_editor(request)
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, user=request.user, initial=ActivityForm.initial_of(a))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.do_record_activity(Actor.from_request(request), form.to_new_activity(key=a.key))
            except VeilleError as exc:
                form.add_service_error(exc)
            else:
                return redirect("arctic:activity", pk=a.pk)
        status = 422
    return _form_page(request, form, status, a)


@require_POST
@login_required
def link(request: HttpRequest, pk: int) -> HttpResponse:
    if not Activity.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404(_("No such activity, or not one you may see."))
    try:
        services.do_link_to_arctic_sentry(Actor.from_request(request), pk, request.POST.get("linked") != "0")
    except VeilleError as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("arctic:activity", pk=pk)


def deconfliction(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('web:login')}?next={request.path}")
    if not sees_everything(request.user):
        raise PermissionDenied(_("Deconfliction spans every nation's records: coordinators only."))
    return render(request, "arctic/deconfliction.html", {"overlaps": queries.deconfliction(request.user)})


def coverage(request: HttpRequest) -> HttpResponse:
    error, status = None, 200
    cells: list[cov.ZoneDay] = []
    try:
        since, until = queries.day_window(request.GET)
        cells = cov.coverage(request.user, since, until)
    except VeilleError as exc:
        error, status = str(exc), exc.http_status
    uncovered = [c for c in cells if c.uncovered]
    context = {
        "cells": cells,
        "uncovered": uncovered,
        "error": error,
        "zones_loaded": bool(layers.zone_files()),
        "zone_names": zone_names(),
        "spec": cov.chart_spec(
            cells, _("Foreign-flag vessels per zone and day (red: no allied presence)"), zone_names()
        )
        if cells
        else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "arctic/coverage.html", context, status=status)


def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """``activities``/``events``/``coverage`` as csv or json, ``activities``/``events`` as geojson.
    The JSON exports carry their provenance in ``meta`` (:func:`_meta`)."""
    g = request.GET
    try:
        if table == "activities":
            since, until = queries.day_window(g)
            qs = queries.activities(request.user, bbox=_bbox(request), since=since, until=until)
            if fmt == "geojson":
                return _geojson(queries.activity_features(qs))
            if fmt in ("csv", "json"):
                rows = [queries.activity_row(a) for a in qs]
                meta = _meta(ACTIVITIES_SOURCE, _filters(request, "bbox", "since", "until"), rows)
                return export_response(rows, queries.ACTIVITY_COLUMNS, fmt, "veille-arctic-activities", meta)
        if table == "events":
            data = layer_data(request, "events")
            assert isinstance(data, dict)
            if fmt == "geojson":
                return _geojson(data)
            if fmt in ("csv", "json"):
                rows = [
                    f["properties"]
                    | {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
                    for f in data["features"]
                ]
                filters = _filters(request, "bbox", "since", "until", "types")
                filters.setdefault("bbox", ",".join(f"{v:g}" for v in ARCTIC_BBOX))
                meta = _meta(EVENTS_SOURCE, filters, rows, runs={cov.run_of(r) for r in rows})
                return export_response(rows, EVENT_COLUMNS, fmt, "veille-arctic-events", meta)
        if table == "coverage" and fmt in ("csv", "json"):
            since, until = queries.day_window(g)
            cells, used = cov.coverage_report(request.user, since, until)
            rows = [c.as_row() for c in cells]
            filters = {"since": used.since.isoformat(), "until": used.until.isoformat()}
            meta = _meta(COVERAGE_SOURCE, filters, rows, runs=used.runs) | {"zones": used.zones}
            return export_response(rows, cov.COLUMNS, fmt, "veille-arctic-coverage", meta)
    except VeilleError as exc:
        return _error_json(exc)
    raise Http404(f"no export {table}.{fmt}")


EVENT_COLUMNS = [
    "event_id", "event_type", "mmsi", "other_mmsi", "flag", "group", "zone", "start", "end", "lat", "lon",
    "synthetic",
]  # fmt: skip

ACTIVITIES_SOURCE = {
    "dataset": "veille Arctic activity registry",
    "source": ["veille Arctic activity registry (the activities you may see)"],
    "note": "Each row lists its sources; areas marked approximate stand for regions the sources name.",
}
EVENTS_SOURCE = {
    "dataset": "veille Arctic events",
    "source": ["AIS store: events/ (the event detectors' runs; each event as its latest run saw it)"],
    "note": "An event is synthetic when its run says so, or its vessel's positions come from the "
    "synthetic generator.",
}
COVERAGE_SOURCE = {
    "dataset": "veille Arctic coverage",
    "source": [
        "veille Arctic activity registry (the activities you may see)",
        "AIS store: positions/ (vessels with a non-allied flag)",
        "AIS store: events/ (the event detectors' runs)",
        "zones: data/zones/*.geojson",
    ],
    "note": "A zone-day is synthetic when a synthetic position or event counts in it.",
}


def _filters(request: HttpRequest, *names: str) -> dict[str, str]:
    """The query's filters that were given (and accepted: they are read before this is called)."""
    return {n: request.GET[n] for n in names if request.GET.get(n)}


def _meta(
    source: dict[str, Any],
    filters: dict[str, str],
    rows: list[dict[str, Any]],
    runs: Iterable[str | None] | None = None,
) -> dict[str, Any]:
    """The provenance of a JSON export, the same keys for each of the app's tables: the dataset and
    what it was read from, when, with which filters, how many rows and how many of them synthetic,
    and (events, coverage) the detector runs whose events are in it."""
    meta: dict[str, Any] = {
        **source,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "filters": filters,
        "rows": len(rows),
        "synthetic": sum(1 for r in rows if r.get("synthetic")),
    }
    if runs is not None:
        meta["detector_runs"] = sorted(r for r in runs if r)
    return meta
