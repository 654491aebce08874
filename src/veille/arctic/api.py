# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.
"""Arctic picture: activities (what the caller may see), layers as GeoJSON, events, coverage,
deconfliction (coordinators), the caller's alerts."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StringConstraints

from veille.arctic import coverage as cov
from veille.arctic import queries, services, views
from veille.arctic.exceptions import NoSuchActivity
from veille.arctic.models import Activity, Alert
from veille.core.errors import PermissionDenied
from veille.kit.exports import export_response
from veille.kit.limits import MAX_CODES, MAX_POLYGON_VERTICES, MAX_SOURCES, Code, Codes, Note, Title, Url
from veille.nations.access import Actor, sees_everything

router = Router(tags=["arctic"])


class Source(Schema):
    url: Url = ""
    date: Annotated[str, StringConstraints(max_length=10)] = ""
    title: Title = ""


class Asset(Schema):
    type: Title
    number: int | None = None
    note: Title = ""


class ActivityOut(Schema):
    id: int
    key: str
    name: str
    kind: str
    domains: list[str]
    nation: str | None
    participants: list[str]
    starts_on: dt.date | None
    starts_precision: str
    ends_on: dt.date | None
    ends_precision: str
    window_note: str
    area: dict[str, Any] | None
    radius_km: float | None
    area_name: str
    area_approximate: bool
    assets: list[Asset]
    leading_command: str
    arctic_sentry: bool
    releasable_to: str
    releasable_nations: list[str]
    sources: list[Source]


class ActivityIn(Schema):
    key: Code
    name: Title
    kind: Code
    nation: Code
    domains: Codes = []
    participants: Codes = []
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    window_note: Note = ""
    area: Annotated[dict[Code, Any], Field(max_length=MAX_CODES)] | None = Field(
        None,
        description=f"a GeoJSON Point, Polygon or MultiPolygon, at most {MAX_POLYGON_VERTICES:,} vertices",
    )
    radius_km: float | None = None
    area_name: Title = ""
    area_approximate: bool = False
    area_note: Note = ""
    assets: Annotated[list[Asset], Field(max_length=MAX_SOURCES)] = []
    leading_command: Title = ""
    sources: Annotated[list[Source], Field(max_length=MAX_SOURCES)] = []
    note: Note = ""
    releasable_to: Code = "NATO"
    releasable_nations: Codes = []


class ActivityLinkIn(Schema):
    linked: bool = True


class AlertOut(Schema):
    id: int
    event_id: str
    event_type: str
    mmsi: int | None
    flag: str
    zone: str
    at: dt.datetime
    synthetic: bool
    acknowledged_at: dt.datetime | None


def _out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "key": a.key,
        "name": a.name,
        "kind": a.kind,
        "domains": a.domains,
        "nation": a.owner_nation_id,
        "participants": a.participant_codes,
        "starts_on": a.starts_on,
        "starts_precision": a.starts_precision,
        "ends_on": a.ends_on,
        "ends_precision": a.ends_precision,
        "window_note": a.window_note,
        "area": a.area,
        "radius_km": a.radius_km,
        "area_name": a.area_name,
        "area_approximate": a.area_approximate,
        "assets": a.assets,
        "leading_command": a.leading_command,
        "arctic_sentry": a.arctic_sentry,
        "releasable_to": a.releasable_to,
        "releasable_nations": a.releasable_nation_codes,
        "sources": a.sources,
    }


def _filtered(request: HttpRequest, bbox: str, since: str, until: str, nation: str, kind: str) -> Any:
    since_day, until_day = queries.day_window({"since": since, "until": until})
    return queries.activities(
        request.user,
        bbox=views._bbox_text(bbox),
        since=since_day,
        until=until_day,
        nation=queries.parse_nation(nation),
        kind=queries.parse_kind(kind),
    )


@router.get(
    "/activities", response=list[ActivityOut], summary="Activities you may see (bbox, since, until filters)"
)
@paginate
def arctic_activities(
    request: HttpRequest,
    bbox: Code = "",
    since: Code = "",
    until: Code = "",
    nation: Code = "",
    kind: Code = "",
) -> Any:
    return [_out(a) for a in _filtered(request, bbox, since, until, nation, kind)]


@router.get("/activities.geojson", summary="Activities you may see as GeoJSON")
def arctic_activities_geojson(
    request: HttpRequest,
    bbox: Code = "",
    since: Code = "",
    until: Code = "",
    nation: Code = "",
    kind: Code = "",
) -> HttpResponse:
    return views._geojson(queries.activity_features(_filtered(request, bbox, since, until, nation, kind)))


@router.get("/activities.csv", summary="Activities you may see as CSV")
def arctic_activities_csv(
    request: HttpRequest,
    bbox: Code = "",
    since: Code = "",
    until: Code = "",
    nation: Code = "",
    kind: Code = "",
) -> HttpResponse:
    rows = [queries.activity_row(a) for a in _filtered(request, bbox, since, until, nation, kind)]
    return export_response(rows, queries.ACTIVITY_COLUMNS, "csv", "veille-arctic-activities")


@router.get(
    "/activities/{activity_id}", response=ActivityOut, summary="One activity (404 if you may not see it)"
)
def arctic_activity(request: HttpRequest, activity_id: int) -> Any:
    a = Activity.objects.visible_to(request.user).filter(pk=activity_id).first()
    if a is None:
        raise NoSuchActivity(f"no activity {activity_id} you may see", field="activity_id")
    return _out(a)


@router.post(
    "/activities", response={201: ActivityOut, 200: ActivityOut}, summary="Record (or update) an activity"
)
def arctic_record_activity(request: HttpRequest, body: ActivityIn) -> Any:
    new = services.NewActivity(
        key=body.key,
        name=body.name,
        kind=body.kind,
        owner_nation=body.nation.upper() or None,
        domains=body.domains,
        participants=body.participants,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        window_note=body.window_note,
        area=body.area,
        radius_km=body.radius_km,
        area_name=body.area_name,
        area_approximate=body.area_approximate,
        area_note=body.area_note,
        assets=[a.dict() for a in body.assets],
        leading_command=body.leading_command,
        sources=[s.dict() for s in body.sources],
        note=body.note,
        releasable_to=body.releasable_to,
        releasable_nations=body.releasable_nations,
    )
    activity, what = services.do_record_activity(Actor.from_request(request, via="api"), new)
    return Status(201 if what == "created" else 200, _out(activity))


@router.post(
    "/activities/{activity_id}/link", response=ActivityOut, summary="Link to Arctic Sentry (coordinators)"
)
def arctic_link(request: HttpRequest, activity_id: int, body: ActivityLinkIn) -> Any:
    if not Activity.objects.visible_to(request.user).filter(pk=activity_id).exists():
        raise NoSuchActivity(f"no activity {activity_id} you may see", field="activity_id")
    return _out(
        services.do_link_to_arctic_sentry(Actor.from_request(request, via="api"), activity_id, body.linked)
    )


@router.get("/layers/{name}", summary="A map layer as GeoJSON (bbox, since, until filters)")
def arctic_layer(
    request: HttpRequest, name: Code, bbox: Code = "", since: Code = "", until: Code = ""
) -> HttpResponse:
    return views.layer(request, name.removesuffix(".geojson"))


@router.get("/events.geojson", summary="AIS events as GeoJSON (bbox, since, until, types)")
def arctic_events_geojson(
    request: HttpRequest, bbox: Code = "", since: Code = "", until: Code = "", types: Title = ""
) -> HttpResponse:
    return views.export(request, "events", "geojson")


@router.get("/events.csv", summary="AIS events as CSV (bbox, since, until, types)")
def arctic_events_csv(
    request: HttpRequest, bbox: Code = "", since: Code = "", until: Code = "", types: Title = ""
) -> HttpResponse:
    return views.export(request, "events", "csv")


@router.get("/coverage", summary="Per zone and day: allied presence and foreign-flag activity")
def arctic_coverage(request: HttpRequest, since: Code = "", until: Code = "") -> list[dict[str, Any]]:
    since_day, until_day = queries.day_window({"since": since, "until": until})
    return [c.as_row() for c in cov.coverage(request.user, since_day, until_day)]


@router.get("/deconfliction", summary="Overlapping activities of different nations (coordinators)")
def arctic_deconfliction(request: HttpRequest) -> list[dict[str, Any]]:
    if not sees_everything(request.user):
        raise PermissionDenied("deconfliction spans every nation's records: coordinators only")
    return [
        {
            "first": o.first.key,
            "second": o.second.key,
            "nations": [o.first.owner_nation_id, o.second.owner_nation_id],
            "since": o.since.isoformat(),
            "until": o.until.isoformat() if o.until else None,
        }
        for o in queries.deconfliction(request.user)
    ]


@router.get("/alerts", response=list[AlertOut], summary="Your alerts, newest first")
@paginate
def arctic_alerts(request: HttpRequest) -> Any:
    return Alert.objects.filter(user_id=int(request.user.pk or 0))


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge one of your alerts")
def arctic_acknowledge(request: HttpRequest, alert_id: int) -> Any:
    return services.do_acknowledge(Actor.from_request(request, via="api"), alert_id)
