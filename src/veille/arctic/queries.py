"""Read models of the Arctic picture: activities (always through ``visible_to``), as rows and GeoJSON;
deconfliction; the timeline. Coverage is in :mod:`veille.arctic.coverage`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from shapely.geometry import mapping

from veille.arctic.geo import circle, collection, d3_winding, feature, overlap
from veille.arctic.models import FIRST_DAY, LAST_DAY, Activity, Kind
from veille.core.errors import InvalidInput
from veille.core.geo import BBox, bbox_intersects, bbox_parts
from veille.nations.access import sees_everything
from veille.nations.models import Nation, NationKind

__all__ = [
    "ACTIVITY_COLUMNS",
    "Overlap",
    "activities",
    "activity_features",
    "activity_row",
    "allies",
    "check_window",
    "day_window",
    "deconfliction",
    "overlaps_of",
    "parse_day",
    "parse_kind",
    "parse_nation",
    "parse_time",
    "time_window",
    "timeline_rows",
]

ACTIVITY_COLUMNS = [
    "key", "name", "kind", "domains", "nation", "participants", "starts_on", "starts_precision", "ends_on",
    "ends_precision", "window_note", "area_name", "area_approximate", "area_note", "radius_km", "assets",
    "leading_command", "arctic_sentry", "releasable_to", "releasable_nations", "sources", "min_lon",
    "min_lat", "max_lon", "max_lat",
]  # fmt: skip


def allies() -> set[str]:
    """Codes of the nations that are allies today (for grouping flag states)."""
    today = dt.date.today()
    return {n.code for n in Nation.objects.filter(kind=NationKind.ALLY) if n.is_ally_on(today)}


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str | None, field: str) -> dt.date | None:
    """``YYYY-MM-DD`` (or an ISO date-time: its day in UTC); anything else is refused naming
    ``field``, never read in part.

    >>> parse_day("2026-03-01", "since")
    datetime.date(2026, 3, 1)
    >>> parse_day("2026-03-01garbage", "since")
    Traceback (most recent call last):
    veille.core.errors.InvalidInput: since: '2026-03-01garbage' is not a date (YYYY-MM-DD)
    """
    if not text:
        return None
    if _DAY.fullmatch(text):
        try:
            return _in_range(dt.date.fromisoformat(text), text, field)
        except ValueError:
            pass
    elif len(text) > 10:
        try:
            value = _iso_time(text)
        except (ValueError, OverflowError):
            pass
        else:
            return _in_range(value.date(), text, field)
    raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD)", field=field)


def _in_range(day: dt.date, text: str, field: str) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            f"{text!r} is out of range: give a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}",
            field=field,
        )
    return day


def _iso_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def parse_time(text: str | None, field: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` or an ISO date-time; naive times are UTC; from ``FIRST_DAY`` to ``LAST_DAY``."""
    if not text:
        return None
    try:
        value = _iso_time(text)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"{text!r} is not a date or ISO date-time", field=field) from exc
    _in_range(value.date(), text, field)
    return value


def check_window(since: Any, until: Any) -> None:
    """Refuse ``since`` later than ``until`` (days or times), naming both."""
    if since is not None and until is not None and since > until:
        raise InvalidInput(
            f"since ({_text(since)}) is later than until ({_text(until)}): give since ≤ until",
            field="since",
        )


def _text(value: dt.date | dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def day_window(get: Any) -> tuple[dt.date | None, dt.date | None]:
    """``since`` and ``until`` of a query as days, checked (each a date, in order)."""
    since, until = parse_day(get.get("since"), "since"), parse_day(get.get("until"), "until")
    check_window(since, until)
    return since, until


def time_window(get: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``since`` and ``until`` of a query as UTC times, checked (each a date or time, in order)."""
    since, until = parse_time(get.get("since"), "since"), parse_time(get.get("until"), "until")
    check_window(since, until)
    return since, until


def parse_kind(text: str | None) -> str | None:
    if not text:
        return None
    if text not in Kind.values:
        raise InvalidInput(f"unknown kind {text!r}: the kinds are {', '.join(Kind.values)}", field="kind")
    return text


def parse_nation(text: str | None) -> str | None:
    if not text:
        return None
    code = text.strip().upper()
    if not Nation.objects.filter(code=code).exists():
        raise InvalidInput(f"no nation has code {text!r} (ISO alpha-3)", field="nation")
    return code


def activities(
    user: Any,
    *,
    bbox: BBox | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    nation: str | None = None,
    kind: str | None = None,
    sentry: bool | None = None,
) -> QuerySet[Activity]:
    """The activities ``user`` may see, filtered. A bounding box keeps activities whose area's box
    meets it (a box across 180°, ``min_lon > max_lon``, meets areas on either side); activities
    without an area are kept only when no box is given. A time window keeps
    activities that overlap it (an open end overlaps everything after the start)."""
    qs = Activity.objects.visible_to(user).select_related("owner_nation")
    if bbox:
        lons = Q()
        for part in bbox_parts(bbox):
            lons |= Q(min_lon__lte=part[2], max_lon__gte=part[0])
        qs = qs.filter(lons, min_lat__lte=bbox[3], max_lat__gte=bbox[1])
    if until:
        qs = qs.filter(Q(starts_on__lte=until) | Q(starts_on__isnull=True))
    if since:
        qs = qs.filter(Q(ends_on__gte=since) | Q(ends_on__isnull=True))
    if nation:
        qs = qs.filter(Q(owner_nation_id=nation.upper()) | Q(participants__contains=f"|{nation.upper()}|"))
    if kind:
        qs = qs.filter(kind=kind)
    if sentry is not None:
        qs = qs.filter(arctic_sentry=sentry)
    return qs.order_by("starts_on", "name")


def activity_row(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "key": a.key,
        "name": a.name,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "domains": "|".join(a.domains),
        "nation": a.owner_nation_id or "",
        "participants": "|".join(a.participant_codes),
        "starts_on": a.starts_on,
        "starts_precision": a.starts_precision,
        "ends_on": a.ends_on,
        "ends_precision": a.ends_precision,
        "shown_from": a.shown_from,
        "window_note": a.window_note,
        "area_name": a.area_name,
        "area_approximate": a.area_approximate,
        "area_note": a.area_note,
        "radius_km": a.radius_km,
        "assets": a.asset_text(),
        "leading_command": a.leading_command,
        "arctic_sentry": a.arctic_sentry,
        "releasable_to": a.releasable_to,
        "releasable_nations": "|".join(a.releasable_nation_codes),
        "sources": " ; ".join(f"{s['date'] or 'undated'} {s['url'] or s['title']}" for s in a.sources),
        "min_lon": a.min_lon,
        "min_lat": a.min_lat,
        "max_lon": a.max_lon,
        "max_lat": a.max_lat,
    }


def activity_features(qs: QuerySet[Activity]) -> dict[str, Any]:
    """Activities with an area as GeoJSON (a point with a radius keeps ``radius_km``)."""
    out = []
    for a in qs:
        if not a.area:
            continue
        row = activity_row(a)
        props = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
        props["layer"] = "activity"
        props["sources"] = a.sources
        props["assets_list"] = a.assets
        geometry = a.area
        if a.radius_km and a.area.get("type") == "Point":
            lon, lat = a.area["coordinates"][:2]
            geometry = mapping(circle(lon, lat, a.radius_km))
        out.append(feature(d3_winding(geometry), props, f"activity-{a.pk}"))
    return collection(out)


# --- deconfliction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    first: Activity
    second: Activity
    since: dt.date
    until: dt.date | None  # None: both are open-ended

    @property
    def nations(self) -> str:
        return f"{self.first.owner_nation_id} / {self.second.owner_nation_id}"


def _window(a: Activity) -> tuple[dt.date, dt.date | None] | None:
    start = a.shown_from
    return (start, a.ends_on) if start else None


def _meets(a: Activity, b: Activity) -> tuple[dt.date, dt.date | None] | None:
    """When two activities' windows overlap and their areas meet: the shared window, else None."""
    wa, wb = _window(a), _window(b)
    if not (a.area and b.area and wa and wb):
        return None
    start = max(wa[0], wb[0])
    ends = [e for e in (wa[1], wb[1]) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    box_a = (a.min_lon, a.min_lat, a.max_lon, a.max_lat)
    box_b = (b.min_lon, b.min_lat, b.max_lon, b.max_lat)
    if None in box_a or None in box_b or not bbox_intersects(box_a, box_b):  # type: ignore[arg-type]
        return None
    return (start, end) if overlap(a.area, a.radius_km, b.area, b.radius_km) else None


def overlaps_of(user: Any, activity: Activity) -> tuple[list[Overlap], int]:
    """What the owners of ``activity`` are told of the other nations' activities that overlap it
    (areas that meet, windows that overlap): those ``user`` may see, and how many others, which
    are counted but never named (an overlap exists; what it is, the user may not know)."""
    seen = set(Activity.objects.visible_to(user).values_list("pk", flat=True))
    shown, hidden = [], 0
    others = Activity.objects.exclude(pk=activity.pk).select_related("owner_nation")
    if activity.owner_nation_id:
        others = others.exclude(owner_nation_id=activity.owner_nation_id)
    for other in others:
        met = _meets(activity, other)
        if met is None:
            continue
        if other.pk in seen:
            shown.append(Overlap(activity, other, met[0], met[1]))
        else:
            hidden += 1
    return sorted(shown, key=lambda o: (o.since, o.second.name)), hidden


def deconfliction(user: Any) -> list[Overlap]:
    """Pairs of activities of different nations whose areas meet and whose windows overlap.

    Only coordinators get the list (it spans every nation's records); others get an empty list.
    Activities without an area or any date cannot be compared and are left out.
    """
    if not sees_everything(user):
        return []
    items = [a for a in Activity.objects.all().select_related("owner_nation") if a.area and _window(a)]
    found = []
    for i, a in enumerate(items):
        wa = _window(a)
        for b in items[i + 1 :]:
            if not a.owner_nation_id or not b.owner_nation_id or a.owner_nation_id == b.owner_nation_id:
                continue
            wb = _window(b)
            assert wa and wb
            start = max(wa[0], wb[0])
            ends = [e for e in (wa[1], wb[1]) if e is not None]
            end = min(ends) if ends else None
            if end is not None and end < start:
                continue
            box_a = (a.min_lon, a.min_lat, a.max_lon, a.max_lat)
            box_b = (b.min_lon, b.min_lat, b.max_lon, b.max_lat)
            if None in box_a or None in box_b or not bbox_intersects(box_a, box_b):  # type: ignore[arg-type]
                continue
            if overlap(a.area, a.radius_km, b.area, b.radius_km):
                found.append(Overlap(a, b, start, end))
    return sorted(found, key=lambda o: (o.since, o.first.name))


# --- timeline -----------------------------------------------------------------------------------


def _in_drawn_range(day: dt.date) -> dt.date:
    """``day`` within the days the timeline draws (:data:`veille.arctic.models.FIRST_DAY` to
    ``LAST_DAY``)."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def timeline_rows(qs: QuerySet[Activity], today: dt.date | None = None) -> list[dict[str, Any]]:
    """One bar per dated activity: from its start (or its first dated source) to its end, or to
    ``today`` when the end is not stated (``open_end``)."""
    today = today or dt.date.today()
    rows = []
    for a in qs:
        start = a.shown_from
        if start is None:
            continue
        end = a.ends_on or max(today, start)
        # (a record written before dates were checked may end in year 9999: the bar stops at the
        # last day the page draws, and the day after it is still a day)
        start, end = _in_drawn_range(start), _in_drawn_range(end)
        rows.append(
            {
                "id": a.pk,
                "name": a.name,
                "nation": a.owner_nation_id or "NATO",
                "kind": str(a.get_kind_display()),
                "start": start.isoformat(),
                "end": (end + dt.timedelta(days=1)).isoformat(),
                "open_end": a.ends_on is None,
                "start_stated": a.starts_on is not None,
                "sentry": a.arctic_sentry,
            }
        )
    return rows
